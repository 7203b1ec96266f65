namespace FailClosed.Gates.Extensions;

/// <summary>The action catalog: which actions exist and how each fails.</summary>
public sealed class CatalogOptions
{
    /// <summary>Gets or sets a value indicating whether an action the catalog does not list is blocked with <see cref="GateCodes.ActionUnclassified"/>.</summary>
    /// <value><see langword="false"/> by default. A strict catalog must list at least one action.</value>
    public bool Strict { get; set; }

    /// <summary>Gets the classified actions; each name at most once.</summary>
    public IList<GuardedActionOptions> Actions { get; } = [];
}

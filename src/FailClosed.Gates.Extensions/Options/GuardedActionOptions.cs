namespace FailClosed.Gates.Extensions;

/// <summary>One action of the catalog and its fail mode.</summary>
public sealed class GuardedActionOptions
{
    /// <summary>Gets or sets the action name, compared ordinally.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets a value indicating whether the action is a fail-open exemption.</summary>
    /// <value><see langword="false"/> (fail closed) by default; an exemption needs <see cref="Justification"/> and <see cref="ReviewBy"/>.</value>
    public bool FailOpen { get; set; }

    /// <summary>Gets or sets why running without confidence is acceptable; required for a fail-open exemption.</summary>
    public string? Justification { get; set; }

    /// <summary>Gets or sets the instant from which the exemption counts as closed; required for a fail-open exemption.</summary>
    public DateTimeOffset? ReviewBy { get; set; }
}

using System.Globalization;

namespace FailClosed.Gates;

/// <summary>Collects the entries of an <see cref="ActionCatalog"/>; freezes after <see cref="Build"/>.</summary>
public sealed class ActionCatalogBuilder
{
    private readonly Dictionary<string, FailMode> _entries = new(StringComparer.Ordinal);
    private bool _strict;
    private bool _built;

    /// <summary>Classifies <paramref name="action"/> with <paramref name="mode"/>.</summary>
    /// <param name="action">The action name, compared ordinally; it follows the name rule of <see cref="GuardedAction{TContext}"/>.</param>
    /// <param name="mode"><see cref="FailMode.Closed"/> or a <see cref="FailMode.Open"/> exemption.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="action"/> is null, breaks the name rule, or is already classified.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="mode"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public ActionCatalogBuilder Add(string action, FailMode mode)
    {
        EvidenceName.ThrowIfInvalid(action, "action name");
        ArgumentNullException.ThrowIfNull(mode);
        ThrowIfBuilt();
        if (!_entries.TryAdd(action, mode))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The action '{action}' is already classified as {_entries[action]}; each action has exactly one fail mode."),
                nameof(action));
        }

        return this;
    }

    /// <summary>Classifies <paramref name="action"/> as <see cref="FailMode.Closed"/>.</summary>
    /// <param name="action">The action name, compared ordinally; it follows the name rule of <see cref="GuardedAction{TContext}"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="action"/> is null, breaks the name rule, or is already classified.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public ActionCatalogBuilder AddClosed(string action) => Add(action, FailMode.Closed);

    /// <summary>Makes the catalog strict: an action it does not list is blocked with <see cref="GateCodes.ActionUnclassified"/>.</summary>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public ActionCatalogBuilder Strict()
    {
        ThrowIfBuilt();
        _strict = true;
        return this;
    }

    /// <summary>Creates the immutable catalog and freezes this builder.</summary>
    /// <returns>The catalog.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public ActionCatalog Build()
    {
        ThrowIfBuilt();
        _built = true;
        return new ActionCatalog(_entries, _strict);
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("The action catalog was already built; a builder cannot change a catalog after Build() or build a second one.");
        }
    }
}

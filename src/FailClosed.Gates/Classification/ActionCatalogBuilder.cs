using System.Globalization;

namespace FailClosed.Gates;

/// <summary>Collects the entries of an <see cref="ActionCatalog"/>; freezes after <see cref="Build"/>.</summary>
public sealed class ActionCatalogBuilder
{
    private readonly Dictionary<string, FailMode> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ApprovalRule Rule, bool Always)> _approvals = new(StringComparer.Ordinal);
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

    /// <summary>
    /// Makes <paramref name="action"/> always need approval (a two-person rule): the executor blocks it with
    /// <see cref="GateCodes.EscalatedForReview"/> and queues a ticket instead of running it, even when its gate allows.
    /// </summary>
    /// <param name="action">The action name, compared ordinally.</param>
    /// <param name="rule">Who must approve.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="action"/> is null, empty or white space, or already has an approval rule.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public ActionCatalogBuilder RequireApproval(string action, ApprovalRule rule) => AddApproval(action, rule, always: true);

    /// <summary>
    /// Lets reviewers approve requests of <paramref name="action"/> that the automated path refused (an evidence
    /// outage or an Indeterminate gate) under <paramref name="rule"/>; without a rule such tickets cannot be approved.
    /// </summary>
    /// <param name="action">The action name, compared ordinally.</param>
    /// <param name="rule">Who must approve.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="action"/> is null, empty or white space, or already has an approval rule.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Build"/> was already called.</exception>
    public ActionCatalogBuilder ReviewWith(string action, ApprovalRule rule) => AddApproval(action, rule, always: false);

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
        return new ActionCatalog(_entries, _strict, _approvals);
    }

    private ActionCatalogBuilder AddApproval(string action, ApprovalRule rule, bool always)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentNullException.ThrowIfNull(rule);
        ThrowIfBuilt();
        if (!_approvals.TryAdd(action, (rule, always)))
        {
            throw new ArgumentException($"The action '{action}' already has the approval rule {_approvals[action].Rule}; each action has at most one.", nameof(action));
        }

        return this;
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("The action catalog was already built; a builder cannot change a catalog after Build() or build a second one.");
        }
    }
}

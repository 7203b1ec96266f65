using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace FailClosed.Gates;

/// <summary>
/// Classifies every guarded action: <see cref="FailMode.Closed"/> by default, or an explicit, expiring
/// <see cref="FailMode.Open"/> exemption. A strict catalog blocks any action it does not list.
/// </summary>
/// <remarks>
/// The catalog is the only place an action can be exempted from failing closed, so one table —
/// <see cref="ToMarkdown"/> — shows governance every exemption in force. Instances are immutable and thread-safe.
/// </remarks>
public sealed class ActionCatalog
{
    /// <summary>The gate name that decisions made by the catalog carry.</summary>
    public const string GateName = "action-catalog";

    private readonly FrozenDictionary<string, FailMode> _modes;
    private readonly string[] _actions;
    private readonly IReadOnlyList<string> _actionsView;

    private readonly FrozenDictionary<string, (ApprovalRule Rule, bool Always)> _approvals;

    internal ActionCatalog(IReadOnlyDictionary<string, FailMode> entries, bool strict, IReadOnlyDictionary<string, (ApprovalRule Rule, bool Always)>? approvals = null)
    {
        _approvals = (approvals ?? new Dictionary<string, (ApprovalRule, bool)>()).ToFrozenDictionary(StringComparer.Ordinal);
        foreach (KeyValuePair<string, (ApprovalRule Rule, bool Always)> approval in _approvals)
        {
            HasMandatoryApprovals |= approval.Value.Always;
        }

        _modes = entries.ToFrozenDictionary(StringComparer.Ordinal);
        _actions = [.. entries.Keys];
        Array.Sort(_actions, StringComparer.Ordinal);
        _actionsView = Array.AsReadOnly(_actions); // the array itself would let a caller cast and reorder it
        IsStrict = strict;
    }

    /// <summary>Gets a value indicating whether some action always needs approval; when not, the executor skips the lookup.</summary>
    internal bool HasMandatoryApprovals { get; }

    /// <summary>Returns the approval rule of <paramref name="action"/>, or <see langword="null"/> when nobody can approve it.</summary>
    /// <param name="action">The action name.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public ApprovalRule? GetApprovalRule(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _approvals.TryGetValue(action, out (ApprovalRule Rule, bool Always) approval) ? approval.Rule : null;
    }

    /// <summary>Returns whether <paramref name="action"/> always needs approval before it runs.</summary>
    /// <param name="action">The action name.</param>
    /// <returns><see langword="true"/> for an action added with <see cref="ActionCatalogBuilder.RequireApproval"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public bool RequiresApproval(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _approvals.TryGetValue(action, out (ApprovalRule Rule, bool Always) approval) && approval.Always;
    }

    /// <summary>Gets a lenient catalog with no entries: every action is <see cref="FailMode.Closed"/>.</summary>
    public static ActionCatalog Empty { get; } = new(new Dictionary<string, FailMode>(), strict: false);

    /// <summary>Gets a value indicating whether an action the catalog does not list is blocked.</summary>
    public bool IsStrict { get; }

    /// <summary>Gets the classified action names, in ordinal order.</summary>
    public IReadOnlyList<string> Actions => _actionsView;

    /// <summary>Starts a new catalog.</summary>
    /// <returns>An empty, lenient builder.</returns>
    public static ActionCatalogBuilder CreateBuilder() => new();

    /// <summary>Determines whether <paramref name="action"/> is classified.</summary>
    /// <param name="action">The action name.</param>
    /// <returns><see langword="true"/> when the catalog lists the action.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public bool Contains(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _modes.ContainsKey(action);
    }

    /// <summary>Gets the declared mode of <paramref name="action"/>.</summary>
    /// <param name="action">The action name.</param>
    /// <returns>The declared mode; <see cref="FailMode.Closed"/> for an action the catalog does not list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public FailMode GetMode(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _modes.TryGetValue(action, out FailMode? mode) ? mode : FailMode.Closed;
    }

    /// <summary>Determines whether <paramref name="action"/> has a fail-open exemption in force at <paramref name="now"/>.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="now">The current instant, from a <see cref="TimeProvider"/>.</param>
    /// <returns><see langword="true"/> only for a listed <see cref="FailMode.Open"/> exemption whose review date is still ahead.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public bool IsFailOpenInForce(string action, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _modes.TryGetValue(action, out FailMode? mode) && mode.IsInForceAt(now);
    }

    /// <summary>
    /// Renders the catalog as a Markdown table (action, mode, justification, review-by, status) for governance review.
    /// </summary>
    /// <param name="asOf">The instant the status column is judged at, from a <see cref="TimeProvider"/>.</param>
    /// <returns>The table, one row per action in ordinal order, preceded by a line saying whether the catalog is strict.</returns>
    public string ToMarkdown(DateTimeOffset asOf)
    {
        var builder = new StringBuilder();
        builder.Append(IsStrict
            ? "Strict catalog: an action not listed here is blocked with `ActionUnclassified`."
            : "Lenient catalog: an action not listed here fails closed.");
        builder.Append('\n').Append('\n');
        builder.Append("| Action | Mode | Justification | Review by | Status |\n");
        builder.Append("|---|---|---|---|---|\n");
        foreach (string action in _actions)
        {
            FailMode mode = _modes[action];
            builder.Append("| ").Append(Escape(action));
            if (mode.ReviewBy is { } reviewBy)
            {
                builder.Append(" | Open | ").Append(Escape(mode.Justification!));
                builder.Append(" | ").Append(reviewBy.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                builder.Append(mode.IsInForceAt(asOf) ? " | open |\n" : " | expired: counts as closed |\n");
            }
            else
            {
                builder.Append(" | Closed |  |  | closed |\n");
            }
        }

        if (_approvals.Count > 0)
        {
            builder.Append('\n').Append("| Action | Approval | Rule |\n").Append("|---|---|---|\n");
            string[] approved = [.. _approvals.Keys];
            Array.Sort(approved, StringComparer.Ordinal);
            foreach (string action in approved)
            {
                (ApprovalRule rule, bool always) = _approvals[action];
                builder.Append("| ").Append(Escape(action)).Append(always ? " | always | " : " | when refused | ").Append(Escape(rule.ToString())).Append(" |\n");
            }
        }

        return builder.ToString();
    }

    /// <summary>Returns a one-line summary such as <c>strict ActionCatalog (3 actions)</c>.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(IsStrict ? "strict" : "lenient")} ActionCatalog ({_actions.Length} actions)");

    // Names and justifications come from configuration: keep them from breaking or styling the table.
    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\r' or '\n':
                    builder.Append(' ');
                    break;
                case '\\' or '|' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#':
                    builder.Append('\\').Append(c);
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }
}

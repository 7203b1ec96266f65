using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// Who must approve a reviewed request: every factor ("N distinct approvers holding role R") must be met, like a
/// Vault control group; a rejection threshold; and how long a ticket lives. Immutable.
/// </summary>
/// <remarks>
/// The requester never counts, a reviewer counts once (for the first unmet factor whose role they hold), and roles
/// come from the <see cref="IReviewerDirectory"/>, never from the caller.
/// </remarks>
public sealed class ApprovalRule
{
    private readonly ApprovalFactor[] _factors;

    private ApprovalRule(ApprovalFactor[] factors, int rejectionThreshold, TimeSpan timeToLive)
    {
        _factors = factors;
        RejectionThreshold = rejectionThreshold;
        TimeToLive = timeToLive;
    }

    /// <summary>Gets the time to live of a ticket when a rule does not set one: 24 hours.</summary>
    public static TimeSpan DefaultTimeToLive { get; } = TimeSpan.FromHours(24);

    /// <summary>Gets the longest accepted time to live: 30 days.</summary>
    public static TimeSpan MaxTimeToLive { get; } = TimeSpan.FromDays(30);

    /// <summary>Gets the factors; all must be met.</summary>
    public IReadOnlyList<ApprovalFactor> Factors => _factors;

    /// <summary>Gets how many distinct reviewers' rejections reject the ticket.</summary>
    /// <value>1 by default.</value>
    public int RejectionThreshold { get; }

    /// <summary>Gets how long a ticket may wait and, once approved, how long it may still run.</summary>
    /// <value><see cref="DefaultTimeToLive"/> by default.</value>
    public TimeSpan TimeToLive { get; }

    /// <summary>Creates a rule of one factor: <paramref name="approvers"/> distinct reviewers holding <paramref name="role"/>.</summary>
    /// <param name="approvers">How many; at least 1.</param>
    /// <param name="role">The role.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="approvers"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="role"/> is null, empty or white space.</exception>
    public static ApprovalRule Require(int approvers, string role) =>
        new([Factor(approvers, role)], 1, DefaultTimeToLive);

    /// <summary>Returns this rule with one more factor.</summary>
    /// <param name="approvers">How many; at least 1.</param>
    /// <param name="role">The role; not already a factor of this rule.</param>
    /// <returns>A new rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="approvers"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="role"/> is null, empty, white space or already a factor.</exception>
    public ApprovalRule And(int approvers, string role)
    {
        ApprovalFactor factor = Factor(approvers, role);
        foreach (ApprovalFactor existing in _factors)
        {
            if (string.Equals(existing.Role, role, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The role '{role}' is already a factor of this approval rule ({this}); one role makes one factor.", nameof(role));
            }
        }

        return new([.. _factors, factor], RejectionThreshold, TimeToLive);
    }

    /// <summary>Returns this rule rejecting a ticket after <paramref name="rejections"/> distinct reviewers reject it.</summary>
    /// <param name="rejections">At least 1.</param>
    /// <returns>A new rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rejections"/> is less than 1.</exception>
    public ApprovalRule RejectedBy(int rejections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rejections, 1);
        return new(_factors, rejections, TimeToLive);
    }

    /// <summary>Returns this rule with tickets that live <paramref name="timeToLive"/>.</summary>
    /// <param name="timeToLive">Positive and at most <see cref="MaxTimeToLive"/>.</param>
    /// <returns>A new rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is not positive or exceeds <see cref="MaxTimeToLive"/>.</exception>
    public ApprovalRule ExpiresAfter(TimeSpan timeToLive)
    {
        if (timeToLive <= TimeSpan.Zero || timeToLive > MaxTimeToLive)
        {
            throw new ArgumentOutOfRangeException(
                nameof(timeToLive),
                timeToLive,
                string.Create(CultureInfo.InvariantCulture, $"The time to live '{timeToLive}' must be positive and at most {MaxTimeToLive}: an approval must not wait forever."));
        }

        return new(_factors, RejectionThreshold, timeToLive);
    }

    /// <summary>Returns the rule as <c>2 x finance + 1 x treasury; rejected by 1; expires after 1.00:00:00</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        string.Join(" + ", _factors) + string.Create(CultureInfo.InvariantCulture, $"; rejected by {RejectionThreshold}; expires after {TimeToLive}");

    /// <summary>Returns the role a new approval by a reviewer holding <paramref name="roles"/> counts for, or null.</summary>
    internal string? CountFor(IReadOnlyCollection<string> roles, IReadOnlyList<ReviewVote> approvals)
    {
        string? met = null;
        foreach (ApprovalFactor factor in _factors)
        {
            if (!roles.Contains(factor.Role, StringComparer.Ordinal))
            {
                continue;
            }

            if (Count(approvals, factor.Role) < factor.Approvers)
            {
                return factor.Role;
            }

            met ??= factor.Role;
        }

        return met;
    }

    /// <summary>Returns whether every factor is met by <paramref name="approvals"/>.</summary>
    internal bool IsMetBy(IReadOnlyList<ReviewVote> approvals)
    {
        foreach (ApprovalFactor factor in _factors)
        {
            if (Count(approvals, factor.Role) < factor.Approvers)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns whether <paramref name="roles"/> holds the role of any factor.</summary>
    internal bool AnyRole(IReadOnlyCollection<string> roles)
    {
        foreach (ApprovalFactor factor in _factors)
        {
            if (roles.Contains(factor.Role, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static int Count(IReadOnlyList<ReviewVote> votes, string role)
    {
        int count = 0;
        foreach (ReviewVote vote in votes)
        {
            if (string.Equals(vote.Role, role, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    private static ApprovalFactor Factor(int approvers, string role)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(approvers, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        return new ApprovalFactor(approvers, role);
    }
}

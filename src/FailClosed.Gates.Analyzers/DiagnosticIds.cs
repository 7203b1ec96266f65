namespace FailClosed.Gates.Analyzers;

/// <summary>The ids of the FailClosed.Gates diagnostics.</summary>
/// <remarks>An id is never reused or renumbered, even after its rule is retired: suppressions name it.</remarks>
public static class DiagnosticIds
{
    /// <summary>A <c>GateDecision</c> or <c>GuardedResult</c> is computed and thrown away.</summary>
    public const string DiscardedDecision = "FCG0001";

    /// <summary>The task of a gate evaluation or a guarded execution is neither awaited nor kept.</summary>
    public const string UnobservedGateTask = "FCG0002";

    /// <summary>A verdict comparison lets <c>Indeterminate</c> (or <c>Deny</c>) through.</summary>
    public const string LeakyVerdictComparison = "FCG0003";

    /// <summary>A <c>switch</c> on <c>Verdict</c> sends <c>Allow</c> through its default branch.</summary>
    public const string VerdictSwitchDefaultAllows = "FCG0004";

    /// <summary>A gate turns an exception or a cancellation into an allow.</summary>
    public const string AllowOnFailure = "FCG0005";

    /// <summary><c>GuardedResult&lt;T&gt;.Value</c> is read without checking that the side effect ran.</summary>
    public const string UncheckedGuardedValue = "FCG0006";

    /// <summary>A fail-open exemption's review date is more than a year away.</summary>
    public const string DistantFailOpenReview = "FCG0007";

    /// <summary>A fail-open exemption has no real justification.</summary>
    public const string UnjustifiedFailOpen = "FCG0008";
}

namespace FailClosed.Gates;

/// <summary>What a remote decision point answered: a verdict, the policy version it decided under, and a reason.</summary>
public sealed class DecisionPointAnswer
{
    /// <summary>Creates an answer.</summary>
    /// <param name="verdict">The decision point's verdict; only <see cref="Verdict.Allow"/> can allow.</param>
    /// <param name="policyVersion">The version of the policy the decision point decided under, if it says.</param>
    /// <param name="reason">The decision point's reason, if any.</param>
    public DecisionPointAnswer(Verdict verdict, string? policyVersion = null, string? reason = null)
    {
        Verdict = verdict;
        PolicyVersion = policyVersion;
        Reason = reason;
    }

    /// <summary>Gets the decision point's verdict.</summary>
    public Verdict Verdict { get; }

    /// <summary>Gets the version of the policy the decision point decided under, or <see langword="null"/> when it did not say.</summary>
    public string? PolicyVersion { get; }

    /// <summary>Gets the decision point's reason, or <see langword="null"/>.</summary>
    public string? Reason { get; }
}

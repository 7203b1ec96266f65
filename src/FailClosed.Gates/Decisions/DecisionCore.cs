namespace FailClosed.Gates;

/// <summary>
/// The verdict, code, deciding gate and reason of a <see cref="GateDecision"/>, kept in one immutable object so the
/// decision itself is two references wide.
/// </summary>
/// <remarks>
/// A <see cref="GateDecision"/> travels inside a <see cref="ValueTask{TResult}"/> through every level of a gate tree;
/// keeping it small keeps each level cheap. Gates build their decisions once and hand out the same core on every
/// evaluation, so the indirection costs no allocation on the hot path.
/// </remarks>
internal sealed class DecisionCore
{
    public DecisionCore(Verdict verdict, string code, string gate, string? reason)
    {
        Verdict = verdict;
        Code = code;
        Gate = gate;
        Reason = reason;
    }

    public Verdict Verdict { get; }

    public string Code { get; }

    public string Gate { get; }

    public string? Reason { get; }
}

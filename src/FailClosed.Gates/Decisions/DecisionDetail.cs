namespace FailClosed.Gates;

/// <summary>
/// The rarely-present parts of a <see cref="GateDecision"/>, kept out of line so the decision stays small.
/// </summary>
/// <remarks>
/// Instances are immutable. A pinned gate creates one per pin and reuses it for every decision, so
/// carrying the pin costs no allocation per evaluation; faults allocate one, next to their exception.
/// </remarks>
internal sealed class DecisionDetail
{
    public DecisionDetail(Exception? exception, PolicyPin? pin)
    {
        Exception = exception;
        Pin = pin;
    }

    public Exception? Exception { get; }

    public PolicyPin? Pin { get; }
}

namespace FailClosed.Gates;

/// <summary>Returns whatever decision a synchronous delegate makes.</summary>
internal sealed class DelegateGate<TContext> : Gate<TContext>
{
    private readonly Func<TContext, GateDecision> _decide;

    public DelegateGate(string name, Func<TContext, GateDecision> decide)
        : base(name)
    {
        _decide = decide;
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken) =>
        new(_decide(context));
}

namespace FailClosed.Gates;

/// <summary>Returns whatever decision an asynchronous delegate makes.</summary>
internal sealed class AsyncDelegateGate<TContext> : Gate<TContext>
{
    private readonly Func<TContext, CancellationToken, ValueTask<GateDecision>> _decide;

    public AsyncDelegateGate(string name, Func<TContext, CancellationToken, ValueTask<GateDecision>> decide)
        : base(name)
    {
        _decide = decide;
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken) =>
        _decide(context, cancellationToken);
}

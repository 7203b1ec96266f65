namespace FailClosed.Gates;

/// <summary>Always returns the same decision.</summary>
internal sealed class ConstantGate<TContext> : Gate<TContext>
{
    private readonly GateDecision _decision;

    public ConstantGate(string name, GateDecision decision)
        : base(name)
    {
        _decision = decision;
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken) =>
        new(_decision);
}

namespace FailClosed.Gates;

/// <summary>Turns Allow into Deny and Deny into Allow; an indeterminate decision passes through unchanged.</summary>
internal sealed class NotGate<TContext> : Gate<TContext>
{
    private readonly Gate<TContext> _gate;
    private readonly GateDecision _allow;
    private readonly GateDecision _deny;

    public NotGate(string name, Gate<TContext> gate)
        : base(name)
    {
        _gate = gate;
        _allow = GateDecision.Allow(name, $"Gate '{gate.Name}' denied.");
        _deny = GateDecision.Deny(name, $"Gate '{gate.Name}' allowed.");
    }

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _gate.Pins;

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        ValueTask<GateDecision> pending = _gate.EvaluateAsync(context, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<GateDecision>(Negate(pending.Result))
            : NegateAsync(pending);
    }

    private async ValueTask<GateDecision> NegateAsync(ValueTask<GateDecision> pending) =>
        Negate(await pending.ConfigureAwait(false));

    private GateDecision Negate(GateDecision decision) => decision.Verdict switch
    {
        Verdict.Allow => _deny,
        Verdict.Deny => _allow,
        _ => decision, // Never turn "could not establish confidence" into an allow.
    };
}

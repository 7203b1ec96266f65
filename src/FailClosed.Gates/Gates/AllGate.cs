namespace FailClosed.Gates;

/// <summary>Allows iff every child allows; stops at, and returns, the first block in declaration order.</summary>
internal sealed class AllGate<TContext> : Gate<TContext>
{
    private readonly Gate<TContext>[] _gates;
    private readonly PredicateGate<TContext>?[] _inline;
    private readonly PolicyPin[] _pins;
    private readonly GateDecision _allow;

    public AllGate(string name, Gate<TContext>[] gates)
        : base(name)
    {
        _gates = gates;
        _inline = PredicateGate<TContext>.InlineCandidates(gates);
        _pins = PolicyPins.Collect(gates);
        _allow = GateDecision.Allow(name);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _pins;

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        Gate<TContext>[] gates = _gates;
        PredicateGate<TContext>?[] inline = _inline;
        int i = 0;
        try
        {
            for (; i < gates.Length; i++)
            {
                // A synchronous predicate runs inline: the same answer as its EvaluateAsync, without a ValueTask.
                if (inline[i] is { } predicate)
                {
                    if (!predicate.Predicate(context))
                    {
                        return new ValueTask<GateDecision>(predicate.Denied);
                    }

                    continue;
                }

                ValueTask<GateDecision> pending = gates[i].EvaluateAsync(context, cancellationToken);
                if (!pending.IsCompletedSuccessfully)
                {
                    return ContinueAsync(pending, i, context, cancellationToken);
                }

                GateDecision decision = pending.Result;
                if (!decision.IsAllowed)
                {
                    return new ValueTask<GateDecision>(decision);
                }
            }
        }
        catch (Exception exception)
        {
            // Only an inline predicate can throw here (EvaluateAsync never does): block as that child would have.
            return new ValueTask<GateDecision>(gates[i].GuardFault(exception));
        }

        return new ValueTask<GateDecision>(_allow);
    }

    private async ValueTask<GateDecision> ContinueAsync(ValueTask<GateDecision> pending, int index, TContext context, CancellationToken cancellationToken)
    {
        GateDecision decision = await pending.ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            return decision;
        }

        Gate<TContext>[] gates = _gates;
        for (int i = index + 1; i < gates.Length; i++)
        {
            decision = await gates[i].EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                return decision;
            }
        }

        return _allow;
    }
}

using System.Runtime.InteropServices;

namespace FailClosed.Gates;

/// <summary>
/// Allows iff some child allows (returning the first allowing child's decision); otherwise returns the first
/// indeterminate decision if there is one, else the first deny.
/// </summary>
internal sealed class AnyGate<TContext> : Gate<TContext>
{
    private readonly Gate<TContext>[] _gates;
    private readonly PredicateGate<TContext>?[] _inline;
    private readonly PolicyPin[] _pins;

    public AnyGate(string name, Gate<TContext>[] gates)
        : base(name)
    {
        _gates = gates;
        _inline = PredicateGate<TContext>.InlineCandidates(gates);
        _pins = PolicyPins.Collect(gates);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _pins;

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        Gate<TContext>[] gates = _gates;
        PredicateGate<TContext>?[] inline = _inline;
        var blocks = default(Blocks);
        int i = 0;
        while (true)
        {
            try
            {
                for (; i < gates.Length; i++)
                {
                    // A synchronous predicate runs inline: the same answer as its EvaluateAsync, without a ValueTask.
                    if (inline[i] is { } predicate)
                    {
                        if (predicate.Predicate(context))
                        {
                            return new ValueTask<GateDecision>(predicate.Allowed);
                        }

                        blocks.Add(predicate.Denied);
                        continue;
                    }

                    ValueTask<GateDecision> pending = gates[i].EvaluateAsync(context, cancellationToken);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        return ContinueAsync(pending, i, blocks, context, cancellationToken);
                    }

                    GateDecision decision = pending.Result;
                    if (decision.IsAllowed)
                    {
                        return new ValueTask<GateDecision>(decision);
                    }

                    blocks.Add(decision);
                }

                return new ValueTask<GateDecision>(blocks.Result);
            }
            catch (Exception exception)
            {
                // Only an inline predicate can throw here (EvaluateAsync never does): record the block that child
                // would have returned, and go on with the rest.
                blocks.Add(gates[i].GuardFault(exception));
                i++;
            }
        }
    }

    private async ValueTask<GateDecision> ContinueAsync(ValueTask<GateDecision> pending, int index, Blocks blocks, TContext context, CancellationToken cancellationToken)
    {
        GateDecision decision = await pending.ConfigureAwait(false);
        if (decision.IsAllowed)
        {
            return decision;
        }

        blocks.Add(decision);
        Gate<TContext>[] gates = _gates;
        for (int i = index + 1; i < gates.Length; i++)
        {
            decision = await gates[i].EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            if (decision.IsAllowed)
            {
                return decision;
            }

            blocks.Add(decision);
        }

        return blocks.Result;
    }

    /// <summary>Remembers the first indeterminate and the first deny seen so far.</summary>
    [StructLayout(LayoutKind.Auto)]
    private struct Blocks
    {
        private GateDecision _firstIndeterminate;
        private GateDecision _firstDeny;
        private bool _hasIndeterminate;

        public readonly GateDecision Result => _hasIndeterminate ? _firstIndeterminate : _firstDeny;

        public void Add(GateDecision decision)
        {
            if (decision.Verdict == Verdict.Deny)
            {
                if (!_firstDeny.IsSet)
                {
                    _firstDeny = decision;
                }
            }
            else if (!_hasIndeterminate)
            {
                // Anything that neither allows nor definitely denies (including an undefined verdict) is indeterminate.
                _firstIndeterminate = decision;
                _hasIndeterminate = true;
            }
        }
    }
}

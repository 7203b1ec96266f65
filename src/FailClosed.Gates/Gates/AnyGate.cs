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
    private readonly FusedPredicate<TContext>?[]? _fused;
    private readonly FusedPredicate<TContext>? _whole;
    private readonly PolicyPin[] _pins;

    public AnyGate(string name, Gate<TContext>[] gates)
        : base(name)
    {
        _gates = gates;
        _inline = PredicateGate<TContext>.InlineCandidates(gates);
        _fused = FusedPredicates.Build(_inline, stopWhen: true);
        _whole = FusedPredicates.Whole(_fused, _inline);
        _pins = PolicyPins.Collect(gates);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _pins;

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        Gate<TContext>[] gates = _gates;
        PredicateGate<TContext>?[] inline = _inline;
        FusedPredicate<TContext>?[]? fused = _fused;
        var blocks = default(Blocks);
        int i = 0;
        if (_whole is { } whole)
        {
            // Every child is an expression requirement: one compiled call decides, unless a check throws (the
            // denies before a fault cannot decide: an indeterminate answer outranks them).
            try
            {
                return new ValueTask<GateDecision>(whole(context, ref i) ? inline[i]!.Allowed : inline[0]!.Denied);
            }
            catch (Exception exception)
            {
                blocks.Add(gates[i].GuardFault(exception));
                i++;
            }
        }

        while (true)
        {
            try
            {
                for (; i < gates.Length; i++)
                {
                    // A synchronous predicate runs inline: the same answer as its EvaluateAsync, without a ValueTask.
                    if (inline[i] is { } predicate)
                    {
                        if (fused?[i] is { } run)
                        {
                            // A run of expression requirements in one compiled method; i follows it child by child,
                            // so it names the child that allowed, or threw (caught below), or the run's last child.
                            if (run(context, ref i))
                            {
                                return new ValueTask<GateDecision>(inline[i]!.Allowed);
                            }

                            // Every child of the run denied: the first deny is the only one the result can use.
                            blocks.Add(predicate.Denied);
                            continue;
                        }

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
                        return Continuation.Start(this, pending, i, blocks, context, cancellationToken);
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

    /// <summary>Goes on with the children once one is pending, keeping the first blocks until an allow.</summary>
    private sealed class Continuation : CompositeContinuation<Continuation, TContext>
    {
        private Blocks _blocks;

        public static ValueTask<GateDecision> Start(
            AnyGate<TContext> gate,
            ValueTask<GateDecision> pending,
            int index,
            Blocks blocks,
            TContext context,
            CancellationToken cancellationToken)
        {
            Continuation continuation = Rent(gate._gates, index, context, cancellationToken);
            continuation._blocks = blocks;
            return continuation.Begin(pending);
        }

        protected override bool Decides(GateDecision decision, out GateDecision result)
        {
            result = decision;
            if (decision.IsAllowed)
            {
                return true;
            }

            _blocks.Add(decision);
            return false;
        }

        protected override GateDecision Exhausted() => _blocks.Result;

        protected override void ClearState() => _blocks = default;
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

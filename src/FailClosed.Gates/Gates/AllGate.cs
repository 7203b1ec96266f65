namespace FailClosed.Gates;

/// <summary>
/// Strong-Kleene AND: allows iff every child allows. Evaluates in declaration order, stops at the first deny and
/// returns it; goes on past an indeterminate child and returns the first one only when no child denies.
/// </summary>
internal sealed class AllGate<TContext> : Gate<TContext>
{
    private readonly Gate<TContext>[] _gates;
    private readonly PredicateGate<TContext>?[] _inline;
    private readonly FusedPredicate<TContext>?[]? _fused;
    private readonly FusedPredicate<TContext>? _whole;
    private readonly PolicyPin[] _pins;
    private readonly GateDecision _allow;

    public AllGate(string name, Gate<TContext>[] gates)
        : base(name)
    {
        _gates = gates;
        _inline = PredicateGate<TContext>.InlineCandidates(gates);
        _fused = FusedPredicates.Build(_inline, stopWhen: false);
        _whole = FusedPredicates.Whole(_fused, _inline);
        _pins = PolicyPins.Collect(gates);
        _allow = GateDecision.Allow(name);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _pins;

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        Gate<TContext>[] gates = _gates;
        PredicateGate<TContext>?[] inline = _inline;
        FusedPredicate<TContext>?[]? fused = _fused;
        GateDecision firstIndeterminate = default;
        bool hasIndeterminate = false;
        int i = 0;
        if (_whole is { } whole)
        {
            try
            {
                return new ValueTask<GateDecision>(whole(context, ref i) ? _allow : inline[i]!.Denied);
            }
            catch (Exception exception)
            {
                firstIndeterminate = gates[i].GuardFault(exception);
                hasIndeterminate = true;
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
                            // so it names the child that denied, or threw (caught below), or the run's last child.
                            if (!run(context, ref i))
                            {
                                return new ValueTask<GateDecision>(inline[i]!.Denied);
                            }

                            continue;
                        }

                        if (!predicate.Predicate(context))
                        {
                            return new ValueTask<GateDecision>(predicate.Denied);
                        }

                        continue;
                    }

                    ValueTask<GateDecision> pending = gates[i].EvaluateAsync(context, cancellationToken);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        return Continuation.Start(this, pending, i, firstIndeterminate, hasIndeterminate, context, cancellationToken);
                    }

                    GateDecision decision = pending.Result;
                    if (decision.Verdict == Verdict.Deny)
                    {
                        return new ValueTask<GateDecision>(decision);
                    }

                    if (!decision.IsAllowed && !hasIndeterminate)
                    {
                        // Anything that neither allows nor definitely denies (an undefined verdict too) is indeterminate.
                        firstIndeterminate = decision;
                        hasIndeterminate = true;
                    }
                }

                return new ValueTask<GateDecision>(hasIndeterminate ? firstIndeterminate : _allow);
            }
            catch (Exception exception)
            {
                // Only an inline predicate can throw here (EvaluateAsync never does): the block that child would have
                // returned is indeterminate, so remember it and ask the rest, one of which may still deny.
                if (!hasIndeterminate)
                {
                    firstIndeterminate = gates[i].GuardFault(exception);
                    hasIndeterminate = true;
                }

                i++;
            }
        }
    }

    /// <summary>Goes on with the children once one is pending, keeping the first indeterminate answer until a deny.</summary>
    private sealed class Continuation : CompositeContinuation<Continuation, TContext>
    {
        private GateDecision _allow;
        private GateDecision _firstIndeterminate;
        private bool _hasIndeterminate;

        public static ValueTask<GateDecision> Start(
            AllGate<TContext> gate,
            ValueTask<GateDecision> pending,
            int index,
            GateDecision firstIndeterminate,
            bool hasIndeterminate,
            TContext context,
            CancellationToken cancellationToken)
        {
            Continuation continuation = Rent(gate._gates, index, context, cancellationToken);
            continuation._allow = gate._allow;
            continuation._firstIndeterminate = firstIndeterminate;
            continuation._hasIndeterminate = hasIndeterminate;
            return continuation.Begin(pending);
        }

        protected override bool Decides(GateDecision decision, out GateDecision result)
        {
            result = decision;
            if (decision.Verdict == Verdict.Deny)
            {
                return true;
            }

            if (!decision.IsAllowed && !_hasIndeterminate)
            {
                // Anything that neither allows nor definitely denies (an undefined verdict too) is indeterminate.
                _firstIndeterminate = decision;
                _hasIndeterminate = true;
            }

            return false;
        }

        protected override GateDecision Exhausted() => _hasIndeterminate ? _firstIndeterminate : _allow;

        protected override void ClearState()
        {
            _allow = default;
            _firstIndeterminate = default;
            _hasIndeterminate = false;
        }
    }
}

using System.Runtime.CompilerServices;

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

    /// <summary>
    /// Goes on with the children once one is pending: waits for its answer, then asks the rest in order as
    /// <see cref="EvaluateCoreAsync"/> does, waiting again for each that is pending.
    /// </summary>
    /// <remarks>
    /// What an <c>async</c> method would do, without a new state machine per evaluation: the children after the pending
    /// one run in the execution context captured when the evaluation started waiting, as the rest of an <c>async</c>
    /// method would.
    /// </remarks>
    private sealed class Continuation : PooledDecisionSource<Continuation>
    {
        private static readonly ContextCallback ResumeCallback = static state => ((Continuation)state!).Resume();

        private readonly Action _onAnswered;
        private AllGate<TContext>? _gate;
        private TContext _context = default!;
        private CancellationToken _cancellationToken;
        private ExecutionContext? _executionContext;
        private ConfiguredValueTaskAwaitable<GateDecision>.ConfiguredValueTaskAwaiter _answer;
        private int _index;
        private GateDecision _firstIndeterminate;
        private bool _hasIndeterminate;

        public Continuation() => _onAnswered = OnAnswered;

        public static ValueTask<GateDecision> Start(
            AllGate<TContext> gate,
            ValueTask<GateDecision> pending,
            int index,
            GateDecision firstIndeterminate,
            bool hasIndeterminate,
            TContext context,
            CancellationToken cancellationToken)
        {
            // Holders: the consumer and the chain of answers that completes it.
            Continuation continuation = Rent(holders: 2);
            continuation._gate = gate;
            continuation._context = context;
            continuation._cancellationToken = cancellationToken;
            continuation._executionContext = ExecutionContext.Capture();
            continuation._index = index;
            continuation._firstIndeterminate = firstIndeterminate;
            continuation._hasIndeterminate = hasIndeterminate;
            ValueTask<GateDecision> completion = continuation.Completion;
            continuation.Await(pending);
            return completion;
        }

        protected override void Clear()
        {
            _gate = null;
            _context = default!;
            _cancellationToken = default;
            _executionContext = null;
            _answer = default;
            _firstIndeterminate = default;
        }

        private void Await(ValueTask<GateDecision> pending)
        {
            // Nothing may touch this source after this call: the answer can resume it on another thread at once.
            _answer = pending.ConfigureAwait(false).GetAwaiter();
            _answer.UnsafeOnCompleted(_onAnswered);
        }

        private void OnAnswered()
        {
            if (_executionContext is { } executionContext)
            {
                ExecutionContext.Run(executionContext, ResumeCallback, this);
            }
            else
            {
                Resume();
            }
        }

        private void Resume()
        {
            AllGate<TContext> gate = _gate!;
            GateDecision result;
            try
            {
                GateDecision decision = _answer.GetResult();
                _answer = default;
                Gate<TContext>[] gates = gate._gates;
                while (true)
                {
                    if (decision.Verdict == Verdict.Deny)
                    {
                        result = decision;
                        break;
                    }

                    if (!decision.IsAllowed && !_hasIndeterminate)
                    {
                        _firstIndeterminate = decision;
                        _hasIndeterminate = true;
                    }

                    if (++_index == gates.Length)
                    {
                        result = _hasIndeterminate ? _firstIndeterminate : gate._allow;
                        break;
                    }

                    ValueTask<GateDecision> pending = gates[_index].EvaluateAsync(_context, _cancellationToken);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        Await(pending);
                        return;
                    }

                    decision = pending.Result;
                }
            }
            catch (Exception exception)
            {
                // EvaluateAsync never throws; should anything here, this gate's EvaluateAsync reports it as its fault.
                _answer = default;
                SetException(exception);
                Release();
                return;
            }

            SetResult(result);
            Release();
        }
    }
}

using System.Runtime.CompilerServices;
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
        private AnyGate<TContext>? _gate;
        private TContext _context = default!;
        private CancellationToken _cancellationToken;
        private ExecutionContext? _executionContext;
        private ConfiguredValueTaskAwaitable<GateDecision>.ConfiguredValueTaskAwaiter _answer;
        private int _index;
        private Blocks _blocks;

        public Continuation() => _onAnswered = OnAnswered;

        public static ValueTask<GateDecision> Start(
            AnyGate<TContext> gate,
            ValueTask<GateDecision> pending,
            int index,
            Blocks blocks,
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
            continuation._blocks = blocks;
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
            _blocks = default;
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
            GateDecision result;
            try
            {
                GateDecision decision = _answer.GetResult();
                _answer = default;
                Gate<TContext>[] gates = _gate!._gates;
                while (true)
                {
                    if (decision.IsAllowed)
                    {
                        result = decision;
                        break;
                    }

                    _blocks.Add(decision);
                    if (++_index == gates.Length)
                    {
                        result = _blocks.Result;
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

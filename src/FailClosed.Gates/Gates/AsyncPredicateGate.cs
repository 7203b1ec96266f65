using System.Runtime.CompilerServices;

namespace FailClosed.Gates;

/// <summary>Allows when an asynchronous predicate returns <see langword="true"/>, denies when it returns <see langword="false"/>.</summary>
internal sealed class AsyncPredicateGate<TContext> : Gate<TContext>
{
    private readonly Func<TContext, CancellationToken, ValueTask<bool>> _predicate;
    private readonly GateDecision _allow;
    private readonly GateDecision _deny;

    public AsyncPredicateGate(string name, Func<TContext, CancellationToken, ValueTask<bool>> predicate)
        : base(name)
    {
        _predicate = predicate;
        _allow = GateDecision.Allow(name);
        _deny = GateDecision.Deny(name, $"Requirement '{name}' was not met.");
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        ValueTask<bool> pending = _predicate(context, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return new ValueTask<GateDecision>(pending.Result ? _allow : _deny);
        }

        if (pending.IsCompleted)
        {
            // Faulted or canceled already: throw here, synchronously, and EvaluateAsync turns it into a block.
            return new ValueTask<GateDecision>(pending.GetAwaiter().GetResult() ? _allow : _deny);
        }

        return PendingAnswer.Start(this, pending);
    }

    /// <summary>Waits for the predicate's pending answer and turns it into this gate's allow or deny (or its exception).</summary>
    private sealed class PendingAnswer : PooledDecisionSource<PendingAnswer>
    {
        private readonly Action _onAnswered;
        private AsyncPredicateGate<TContext>? _gate;
        private ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter _answer;

        public PendingAnswer() => _onAnswered = OnAnswered;

        public static ValueTask<GateDecision> Start(AsyncPredicateGate<TContext> gate, ValueTask<bool> pending)
        {
            // Holders: the consumer and the answer's continuation.
            PendingAnswer answer = Rent(holders: 2);
            answer._gate = gate;
            answer._answer = pending.ConfigureAwait(false).GetAwaiter();
            ValueTask<GateDecision> completion = answer.Completion;
            answer._answer.UnsafeOnCompleted(answer._onAnswered);
            return completion;
        }

        protected override void Clear()
        {
            _gate = null;
            _answer = default;
        }

        private void OnAnswered()
        {
            AsyncPredicateGate<TContext> gate = _gate!;
            bool allowed;
            try
            {
                allowed = _answer.GetResult();
            }
            catch (Exception exception)
            {
                // The gate's EvaluateAsync turns it into a fault or a cancellation naming the gate, as for any gate.
                _answer = default;
                SetException(exception);
                Release();
                return;
            }

            _answer = default;
            SetResult(allowed ? gate._allow : gate._deny);
            Release();
        }
    }
}

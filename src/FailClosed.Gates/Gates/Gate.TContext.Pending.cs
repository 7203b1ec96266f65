using System.Runtime.CompilerServices;

namespace FailClosed.Gates;

/// <content>The pending path of <see cref="Gate{TContext}.EvaluateAsync"/>.</content>
public abstract partial class Gate<TContext>
{
    /// <summary>
    /// Waits for a gate's pending answer or for the caller's token, whichever comes first, and turns either into the
    /// decision <see cref="EvaluateAsync"/> promises: prompt on cancellation even when the gate ignores its token.
    /// </summary>
    /// <remarks>
    /// One registration on the token and one continuation on the answer race to complete the source (a compare and
    /// swap decides); both hold it until they are done with it, so a gate that answers after the cancellation finds
    /// its evaluation still there, and its answer is read (and ignored) before the source is reused.
    /// </remarks>
    private sealed class PendingEvaluation : PooledDecisionSource<PendingEvaluation>
    {
        private const int StateWaiting = 0;
        private const int StateAnswered = 1;
        private const int StateCanceled = 2;

        private static readonly Action<object?> OnCanceledCallback = static state => ((PendingEvaluation)state!).OnCanceled();

        private readonly Action _onAnswered;
        private Gate<TContext>? _gate;
        private CancellationToken _cancellationToken;
        private CancellationTokenRegistration _registration;
        private ConfiguredValueTaskAwaitable<GateDecision>.ConfiguredValueTaskAwaiter _answer;
        private int _state;

        public PendingEvaluation() => _onAnswered = OnAnswered;

        public static ValueTask<GateDecision> Start(Gate<TContext> gate, ValueTask<GateDecision> pending, CancellationToken cancellationToken)
        {
            // Holders: the consumer, the answer's continuation, and the token's callback when there is one.
            bool cancelable = cancellationToken.CanBeCanceled;
            PendingEvaluation evaluation = Rent(holders: cancelable ? 3 : 2);
            evaluation._gate = gate;
            evaluation._cancellationToken = cancellationToken;
            evaluation._answer = pending.ConfigureAwait(false).GetAwaiter();
            ValueTask<GateDecision> completion = evaluation.Completion;
            if (cancelable)
            {
                // Registered before the answer is awaited, so an answer that arrives at once finds the registration to
                // undo. A token canceled meanwhile runs the callback here, which completes the source at once.
                evaluation._registration = cancellationToken.UnsafeRegister(OnCanceledCallback, evaluation);
            }

            try
            {
                evaluation._answer.UnsafeOnCompleted(evaluation._onAnswered);
            }
            catch (Exception exception)
            {
                // A gate's own IValueTaskSource that cannot take a continuation will never answer: its fault.
                evaluation._answer = default;
                evaluation.Settle(gate.FromException(exception, cancellationToken));
            }

            return completion;
        }

        protected override void Clear()
        {
            _gate = null;
            _cancellationToken = default;
            _registration = default;
            _answer = default;
            _state = StateWaiting;
        }

        private void OnAnswered()
        {
            Gate<TContext> gate = _gate!;
            GateDecision decision;
            try
            {
                decision = gate.Complete(_answer.GetResult(), _cancellationToken);
            }
            catch (Exception exception)
            {
                decision = gate.FromException(exception, _cancellationToken);
            }

            _answer = default;
            Settle(decision);
        }

        /// <summary>Completes the source with the gate's answer unless the token already has; lets go as the answer's holder.</summary>
        private void Settle(GateDecision decision)
        {
            if (Interlocked.CompareExchange(ref _state, StateAnswered, StateWaiting) == StateWaiting)
            {
                // The callback can no longer complete the source. Unregistered before it ran, it never runs: let go in
                // its place; otherwise it is running now, loses the race and lets go itself.
                if (_registration.Unregister())
                {
                    Release();
                }

                SetResult(decision);
            }

            Release();
        }

        private void OnCanceled()
        {
            if (Interlocked.CompareExchange(ref _state, StateCanceled, StateWaiting) == StateWaiting)
            {
                SetResult(_gate!.Canceled(new OperationCanceledException(_cancellationToken)));
            }

            Release();
        }
    }
}

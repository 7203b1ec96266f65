using System.Runtime.CompilerServices;

namespace FailClosed.Gates;

/// <summary>
/// Goes on with a composite's children once one is pending: waits for its answer, then asks the rest in order, waiting
/// again for each that is pending, until <see cref="Decides"/> says the composite is decided or the children run out.
/// </summary>
/// <remarks>
/// What an <c>async</c> method would do, without a new state machine per evaluation: the children after the pending
/// one run in the execution context captured when the evaluation started waiting, as the rest of an <c>async</c>
/// method would. <c>All</c> and <c>Any</c> differ only in what they keep of each answer.
/// </remarks>
/// <typeparam name="TSelf">The derived type; each has its own pool.</typeparam>
/// <typeparam name="TContext">The type of the value judged.</typeparam>
internal abstract class CompositeContinuation<TSelf, TContext> : PooledDecisionSource<TSelf>
    where TSelf : CompositeContinuation<TSelf, TContext>, new()
{
    private static readonly ContextCallback ResumeCallback = static state => ((TSelf)state!).Resume();

    private readonly Action _onAnswered;
    private Gate<TContext>[]? _gates;
    private TContext _context = default!;
    private CancellationToken _cancellationToken;
    private ExecutionContext? _executionContext;
    private ConfiguredValueTaskAwaitable<GateDecision>.ConfiguredValueTaskAwaiter _answer;
    private int _index;

    protected CompositeContinuation() => _onAnswered = OnAnswered;

    /// <summary>Takes a continuation from the pool for the children of one evaluation; set its own state, then <see cref="Begin"/>.</summary>
    protected static TSelf Rent(Gate<TContext>[] gates, int index, TContext context, CancellationToken cancellationToken)
    {
        // Holders: the consumer and the chain of answers that completes it.
        TSelf continuation = Rent(holders: 2);
        continuation._gates = gates;
        continuation._context = context;
        continuation._cancellationToken = cancellationToken;
        continuation._executionContext = ExecutionContext.Capture();
        continuation._index = index;
        return continuation;
    }

    /// <summary>Waits for the pending child; returns the composite's decision, to await once.</summary>
    protected ValueTask<GateDecision> Begin(ValueTask<GateDecision> pending)
    {
        ValueTask<GateDecision> completion = Completion;
        Await(pending);
        return completion;
    }

    /// <summary>Keeps what the composite needs of one child's <paramref name="decision"/>.</summary>
    /// <returns><see langword="true"/> when that decision decides the composite (<paramref name="result"/> is the answer).</returns>
    protected abstract bool Decides(GateDecision decision, out GateDecision result);

    /// <summary>Returns the composite's decision once every child has answered without deciding it.</summary>
    protected abstract GateDecision Exhausted();

    /// <summary>Drops the derived type's state for one evaluation.</summary>
    protected abstract void ClearState();

    /// <inheritdoc />
    protected sealed override void Clear()
    {
        _gates = null;
        _context = default!;
        _cancellationToken = default;
        _executionContext = null;
        _answer = default;
        ClearState();
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
            Gate<TContext>[] gates = _gates!;
            while (!Decides(decision, out result))
            {
                if (++_index == gates.Length)
                {
                    result = Exhausted();
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
            // EvaluateAsync never throws; should anything here, the composite's EvaluateAsync reports it as its fault.
            _answer = default;
            SetException(exception);
            Release();
            return;
        }

        SetResult(result);
        Release();
    }
}

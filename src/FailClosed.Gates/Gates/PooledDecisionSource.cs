using System.Threading.Tasks.Sources;

namespace FailClosed.Gates;

/// <summary>
/// A reusable <see cref="IValueTaskSource{TResult}"/> behind the <see cref="ValueTask{TResult}"/> of a pending gate
/// evaluation, so an evaluation that really goes asynchronous does not allocate a state machine, a task and a promise
/// at every level.
/// </summary>
/// <typeparam name="TSelf">The derived type; each has its own pool.</typeparam>
/// <remarks>
/// <para>
/// A source has holders: the consumer of its <see cref="ValueTask{TResult}"/> (released when it reads the result) and
/// whatever completes it (released once it will not touch the source again). It goes back to the pool, and only then
/// is reset, when the last holder lets go, so a late completion can never touch a source that another evaluation is
/// using. A source whose work never finishes is never returned; the garbage collector takes it.
/// </para>
/// <para>
/// The pool is shared by every thread (an evaluation that yields usually finishes on another thread than the one that
/// started it) and small: a source that finds it full is left to the garbage collector.
/// </para>
/// </remarks>
internal abstract class PooledDecisionSource<TSelf> : IValueTaskSource<GateDecision>
    where TSelf : PooledDecisionSource<TSelf>, new()
{
    private static readonly TSelf?[] Pool = new TSelf?[Math.Clamp(Environment.ProcessorCount * 4, 16, 64)];

    private ManualResetValueTaskSourceCore<GateDecision> _core;
    private int _holders;
    private int _consumed;

    /// <summary>Gets the task its consumer awaits; take it before anything can complete the source.</summary>
    protected ValueTask<GateDecision> Completion => new(this, _core.Version);

    /// <inheritdoc />
    public GateDecision GetResult(short token)
    {
        if (_core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            // Blocking on an unfinished ValueTask is outside its rules, but a task-backed one allowed it: keep that.
            WaitForCompletion(token);
        }

        if (Interlocked.Exchange(ref _consumed, 1) != 0)
        {
            throw new InvalidOperationException("The result of a gate evaluation was read twice; a ValueTask may be awaited only once.");
        }

        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Release();
        }
    }

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    /// <summary>Takes a source from the pool, or makes one.</summary>
    /// <param name="holders">How many holders will release it: the consumer and each party that may complete it.</param>
    /// <returns>A source that is not yet complete.</returns>
    protected static TSelf Rent(int holders)
    {
        TSelf?[] pool = Pool;
        TSelf? source = null;
        for (int i = 0; i < pool.Length && source is null; i++)
        {
            if (Volatile.Read(ref pool[i]) is not null)
            {
                source = Interlocked.Exchange(ref pool[i], null);
            }
        }

        source ??= new TSelf();
        source._holders = holders;
        return source;
    }

    /// <summary>Completes the source with a decision.</summary>
    /// <param name="decision">The decision.</param>
    protected void SetResult(GateDecision decision) => _core.SetResult(decision);

    /// <summary>Completes the source with an exception its consumer rethrows.</summary>
    /// <param name="exception">The exception.</param>
    protected void SetException(Exception exception) => _core.SetException(exception);

    /// <summary>Lets go of the source; the last holder returns it to the pool.</summary>
    protected void Release()
    {
        if (Interlocked.Decrement(ref _holders) != 0)
        {
            return;
        }

        Clear();
        _core.Reset();
        _consumed = 0;
        TSelf?[] pool = Pool;
        for (int i = 0; i < pool.Length; i++)
        {
            if (Volatile.Read(ref pool[i]) is null && Interlocked.CompareExchange(ref pool[i], (TSelf)this, null) is null)
            {
                return;
            }
        }
    }

    /// <summary>Drops every reference the source holds for one evaluation, so a pooled source keeps nothing alive.</summary>
    protected abstract void Clear();

    private void WaitForCompletion(short token)
    {
        // Never disposed: it has no wait handle unless one is asked for, and disposing could race with Set.
        var completed = new ManualResetEventSlim();
        _core.OnCompleted(static state => ((ManualResetEventSlim)state!).Set(), completed, token, ValueTaskSourceOnCompletedFlags.None);
        completed.Wait();
    }
}

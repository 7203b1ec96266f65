using System.Collections.Concurrent;

namespace FailClosed.Gates;

/// <summary>
/// Reuses the <see cref="CancellationTokenSource"/>s that bound evidence writes, so a healthy write allocates no
/// timer. A source is reused only when <see cref="CancellationTokenSource.TryReset"/> proves it never fired.
/// </summary>
internal sealed class DeadlinePool
{
    private const int MaxPooled = 256;

    private readonly ConcurrentQueue<CancellationTokenSource> _pool = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeout;
    private int _count;

    public DeadlinePool(TimeProvider timeProvider, TimeSpan timeout)
    {
        _timeProvider = timeProvider;
        _timeout = timeout;
    }

    /// <summary>Returns a source that cancels itself once the timeout elapses, starting now.</summary>
    public CancellationTokenSource Rent()
    {
        CancellationTokenSource? source;
        while (_pool.TryDequeue(out source))
        {
            Interlocked.Decrement(ref _count);

            // A timer callback that was already running when the source was reset may still cancel it; never
            // hand out a source that is canceled before its deadline (that would be a spurious block).
            if (!source.IsCancellationRequested)
            {
                break;
            }

            source.Dispose();
            source = null;
        }

        source ??= new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        source.CancelAfter(_timeout);
        return source;
    }

    /// <summary>Takes back a source; one that fired, or one beyond the pool's bound, is disposed.</summary>
    public void Return(CancellationTokenSource source)
    {
        if (source.TryReset())
        {
            if (Interlocked.Increment(ref _count) <= MaxPooled)
            {
                _pool.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _count);
        }

        source.Dispose();
    }
}

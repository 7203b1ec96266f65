using System.Collections.Concurrent;

namespace FailClosed.Gates;

/// <summary>
/// Reuses the <see cref="Deadline"/>s that bound evidence writes, so a write allocates no timer and no token source.
/// </summary>
internal sealed class DeadlinePool
{
    private const int MaxPooled = 256;

    private readonly ConcurrentQueue<Deadline> _pool = new();
    private readonly TimeProvider _timeProvider;
    private int _count;

    public DeadlinePool(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <summary>Returns an idle deadline; the caller arms it only if it has to wait.</summary>
    public Deadline Rent()
    {
        if (_pool.TryDequeue(out Deadline? deadline))
        {
            Interlocked.Decrement(ref _count);
        }
        else
        {
            deadline = new Deadline(_timeProvider);
        }

        return deadline;
    }

    /// <summary>Takes back a deadline; one that fired or was canceled, or one beyond the pool's bound, is discarded.</summary>
    public void Return(Deadline deadline)
    {
        if (deadline.TryDisarm())
        {
            if (Interlocked.Increment(ref _count) <= MaxPooled)
            {
                _pool.Enqueue(deadline);
                return;
            }

            Interlocked.Decrement(ref _count);
        }

        deadline.Dispose();
    }
}

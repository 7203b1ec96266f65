namespace FailClosed.Gates;

/// <summary>
/// A reusable time limit: a <see cref="CancellationTokenSource"/> canceled by a <see cref="TimeProvider"/> timer.
/// </summary>
/// <remarks>
/// <see cref="CancellationTokenSource.TryReset"/> refuses a source built on a custom <see cref="TimeProvider"/>, so the
/// timer is kept here instead, next to a plain source that can be reset. A state word decides the race between the
/// timer firing and the deadline being disarmed: a deadline that fired is never reused, and a timer callback that
/// arrives after <see cref="TryDisarm"/> cancels nothing.
/// </remarks>
internal sealed class Deadline
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int Fired = 2;

    private readonly CancellationTokenSource _source = new();
    private readonly ITimer _timer;
    private int _state;

    public Deadline(TimeProvider timeProvider)
    {
        // A pooled timer must not keep alive the execution context (and its async locals) of whoever created it.
        if (ExecutionContext.IsFlowSuppressed())
        {
            _timer = timeProvider.CreateTimer(static state => ((Deadline)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        else
        {
            using (ExecutionContext.SuppressFlow())
            {
                _timer = timeProvider.CreateTimer(static state => ((Deadline)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Gets the token canceled when the deadline passes (or by a linked caller token).</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Gets a value indicating whether the time limit (not a caller) canceled <see cref="Token"/>.</summary>
    public bool HasExpired => Volatile.Read(ref _state) == Fired;

    /// <summary>Gets the source, so a caller's token can be linked to it.</summary>
    public CancellationTokenSource Source => _source;

    /// <summary>Starts the time limit: <see cref="Token"/> is canceled once <paramref name="dueIn"/> elapses.</summary>
    public void Arm(TimeSpan dueIn)
    {
        Volatile.Write(ref _state, Armed);
        _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Expires the deadline now, for a wait whose whole budget is already spent.</summary>
    public void Expire()
    {
        if (Interlocked.CompareExchange(ref _state, Fired, Idle) == Idle)
        {
            _source.Cancel();
        }
    }

    /// <summary>Stops the time limit; returns <see langword="true"/> when the deadline is clean and can be reused.</summary>
    public bool TryDisarm()
    {
        int previous = Interlocked.Exchange(ref _state, Idle);
        if (previous == Armed)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        return previous != Fired && _source.TryReset();
    }

    /// <summary>Releases the timer. The source is left to the collector: a timer callback may still be canceling it.</summary>
    public void Dispose() => _timer.Dispose();

    private void Fire()
    {
        if (Interlocked.CompareExchange(ref _state, Fired, Armed) == Armed)
        {
            _source.Cancel();
        }
    }
}

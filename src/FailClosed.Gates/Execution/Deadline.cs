namespace FailClosed.Gates;

/// <summary>
/// A reusable time limit: a <see cref="CancellationTokenSource"/> canceled by a <see cref="TimeProvider"/> timer.
/// </summary>
/// <remarks>
/// <see cref="CancellationTokenSource.TryReset"/> refuses a source built on a custom <see cref="TimeProvider"/>, so the
/// timer is kept here instead, next to a plain source that can be reset. A state word decides the race between the
/// timer firing and the deadline being disarmed: a deadline that fired is never reused, a timer callback that
/// arrives after <see cref="TryDisarm"/> cancels nothing, and one queued for an earlier arming cannot fire a later.
/// </remarks>
internal sealed class Deadline
{
    // _state holds a generation (incremented by every Arm) above a two-bit phase, so a timer callback queued for an
    // earlier arming can never fire a later one: its compare-and-swap names the generation it saw.
    private const int Idle = 0;
    private const int Armed = 1;
    private const int Fired = 2;
    private const int PhaseMask = 3;

    private readonly CancellationTokenSource _source = new();
    private readonly TimeProvider _timeProvider;
    private readonly ITimer _timer;
    private int _state;
    private long _armedAt;
    private TimeSpan _dueIn;

    public Deadline(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;

        // A pooled timer must not keep alive the execution context (and its async locals) of whoever created it.
        if (ExecutionContext.IsFlowSuppressed())
        {
            _timer = timeProvider.CreateTimer(static state => ((Deadline)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        else
        {
            using (ExecutionContext.SuppressFlow())
            {
                _timer = timeProvider.CreateTimer(static state => ((Deadline)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Gets the token canceled when the deadline passes (or by a linked caller token).</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Gets a value indicating whether the time limit (not a caller) canceled <see cref="Token"/>.</summary>
    public bool HasExpired => (Volatile.Read(ref _state) & PhaseMask) == Fired;

    /// <summary>Gets the source, so a caller's token can be linked to it.</summary>
    public CancellationTokenSource Source => _source;

    /// <summary>Starts the time limit: <see cref="Token"/> is canceled once <paramref name="dueIn"/> elapses.</summary>
    /// <remarks>Only the renter arms, and only an idle deadline, so nothing races this write of the state.</remarks>
    public void Arm(TimeSpan dueIn)
    {
        _dueIn = dueIn;
        Volatile.Write(ref _armedAt, _timeProvider.GetTimestamp());
        int generation = unchecked((Volatile.Read(ref _state) & ~PhaseMask) + (PhaseMask + 1));
        Volatile.Write(ref _state, generation | Armed);
        _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Expires the deadline now, for a wait whose whole budget is already spent.</summary>
    public void Expire()
    {
        int state = Volatile.Read(ref _state);
        if ((state & PhaseMask) == Idle && Interlocked.CompareExchange(ref _state, (state & ~PhaseMask) | Fired, state) == state)
        {
            _source.Cancel();
        }
    }

    /// <summary>Stops the time limit; returns <see langword="true"/> when the deadline is clean and can be reused.</summary>
    public bool TryDisarm()
    {
        int previous;
        do
        {
            previous = Volatile.Read(ref _state);
        }
        while (Interlocked.CompareExchange(ref _state, (previous & ~PhaseMask) | Idle, previous) != previous);

        if ((previous & PhaseMask) == Armed)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        return (previous & PhaseMask) != Fired && _source.TryReset();
    }

    /// <summary>Releases the timer. The source is left to the collector: a timer callback may still be canceling it.</summary>
    public void Dispose() => _timer.Dispose();

    /// <summary>The timer callback. One that arrives before the current arming is due (a callback queued for an
    /// earlier arming of this pooled deadline, or an early tick) re-arms for the time left instead of firing.</summary>
    internal void OnTimer()
    {
        int state = Volatile.Read(ref _state);
        if ((state & PhaseMask) != Armed)
        {
            return;
        }

        TimeSpan remaining = _dueIn - _timeProvider.GetElapsedTime(Volatile.Read(ref _armedAt));
        if (remaining > TimeSpan.Zero)
        {
            _timer.Change(remaining, Timeout.InfiniteTimeSpan);
            return;
        }

        if (Interlocked.CompareExchange(ref _state, (state & ~PhaseMask) | Fired, state) == state)
        {
            _source.Cancel();
        }
    }
}

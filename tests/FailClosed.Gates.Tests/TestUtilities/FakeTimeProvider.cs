namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>
/// A manual clock for tests: time moves only when <see cref="Advance"/> is called, and due timers fire then,
/// on the calling thread. Counts live timers so tests can prove nothing leaks.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private long _created;

    public FakeTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public FakeTimeProvider(DateTimeOffset start)
    {
        _now = start;
    }

    /// <summary>Gets the number of timers created and not yet disposed.</summary>
    public int LiveTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    /// <summary>Gets the number of timers that are due to fire at some instant (not disposed, not disarmed).</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_gate)
            {
                int armed = 0;
                foreach (FakeTimer timer in _timers)
                {
                    if (timer.DueAt is not null)
                    {
                        armed++;
                    }
                }

                return armed;
            }
        }
    }

    /// <summary>Gets the number of timers ever created.</summary>
    public long TimersCreated => Interlocked.Read(ref _created);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new FakeTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        Interlocked.Increment(ref _created);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward, firing every timer that falls due, in due order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (true)
        {
            FakeTimer? due = null;
            lock (_gate)
            {
                foreach (FakeTimer timer in _timers)
                {
                    if (timer.DueAt is { } at && at <= target && (due is null || at < due.DueAt))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.DueAt!.Value;
                due.DueAt = due.Period > TimeSpan.Zero ? _now + due.Period : null;
            }

            due.Fire();
        }
    }

    /// <summary>Moves time to the earliest pending timer and fires it; returns false when no timer is pending.</summary>
    public bool TryAdvanceToNextTimer()
    {
        DateTimeOffset? next = null;
        lock (_gate)
        {
            foreach (FakeTimer timer in _timers)
            {
                if (timer.DueAt is { } at && (next is null || at < next))
                {
                    next = at;
                }
            }

            if (next is null)
            {
                return false;
            }

            if (next < _now)
            {
                next = _now;
            }
        }

        Advance(next.Value - GetUtcNow());
        return true;
    }

    /// <summary>Moves the clock to an arbitrary instant (even backwards) without firing timers.</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_gate)
        {
            _now = value;
        }
    }

    private void Remove(FakeTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private bool _disposed;

        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (_disposed)
                {
                    return false;
                }

                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                return true;
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                _disposed = true;
                DueAt = null;
            }

            owner.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

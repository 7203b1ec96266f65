namespace FailClosed.Gates.Testing;

/// <summary>
/// A manual clock for tests: time moves only when <see cref="Advance"/> is called, and due timers fire then, on the
/// calling thread. It can also be set backwards (<see cref="SetUtcNow"/>) to test clock skew, and it reports its live
/// timers so a test can prove that nothing leaks.
/// </summary>
/// <remarks>Timestamps (<see cref="GetTimestamp"/>) follow the wall clock, so they move backwards with it.</remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _created;

    /// <summary>Initializes a new instance of the <see cref="ManualTimeProvider"/> class at 2026-01-01T00:00:00Z.</summary>
    public ManualTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ManualTimeProvider"/> class at <paramref name="start"/>.</summary>
    /// <param name="start">The first instant the clock reports.</param>
    public ManualTimeProvider(DateTimeOffset start)
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
                foreach (ManualTimer timer in _timers)
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

    /// <summary>Gets the instant the earliest armed timer is due, or null when none is armed.</summary>
    internal DateTimeOffset? NextDueAt
    {
        get
        {
            lock (_gate)
            {
                DateTimeOffset? next = null;
                foreach (ManualTimer timer in _timers)
                {
                    if (timer.DueAt is { } at && (next is null || at < next))
                    {
                        next = at;
                    }
                }

                return next;
            }
        }
    }

    /// <summary>Gets the number of timers ever created.</summary>
    public long TimersCreated => Interlocked.Read(ref _created);

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        Interlocked.Increment(ref _created);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward, firing every timer that falls due, in due order.</summary>
    /// <param name="delta">How far to move; zero fires the timers already due.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"The clock only advances forwards, but the delta was {delta}; use SetUtcNow to move it backwards.");
        }

        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (true)
        {
            ManualTimer? due = null;
            lock (_gate)
            {
                foreach (ManualTimer timer in _timers)
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

    /// <summary>Moves time to the earliest pending timer and fires it.</summary>
    /// <returns><see langword="true"/> when a timer fired; <see langword="false"/> when no timer is pending.</returns>
    public bool TryAdvanceToNextTimer()
    {
        DateTimeOffset? next = null;
        lock (_gate)
        {
            foreach (ManualTimer timer in _timers)
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

    /// <summary>Moves the clock to an arbitrary instant (even backwards, to test clock skew) without firing timers.</summary>
    /// <param name="value">The instant the clock reports from now on.</param>
    /// <remarks>Timers keep their due instants: moving backwards makes them due later, moving forwards lets the next
    /// <see cref="Advance"/> fire them.</remarks>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_gate)
        {
            _now = value;
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
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

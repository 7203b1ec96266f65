namespace FailClosed.Gates;

/// <summary>The bounded retry.</summary>
public static partial class Gate
{
    /// <summary>
    /// Creates a gate that asks <paramref name="gate"/> again while it answers <see cref="Verdict.Indeterminate"/>, at most
    /// <paramref name="maxAttempts"/> times and within one total <paramref name="budget"/>. It never retries a definite
    /// answer, never turns a deny into anything else, and allows only when an attempt allowed in time. Out of attempts it
    /// returns the last indeterminate answer; out of time, <see cref="GateCodes.Timeout"/>.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="gate">The gate to ask.</param>
    /// <param name="maxAttempts">The most attempts, the first included; at least 1.</param>
    /// <param name="budget">The total time for every attempt and every pause; positive and at most <see cref="MaxTimeout"/>.</param>
    /// <param name="delay">The pause between attempts; zero or positive and less than <paramref name="budget"/>.</param>
    /// <param name="timeProvider">The clock the budget and the pauses are measured by; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The gate, named <c>retry(name)</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAttempts"/>, <paramref name="budget"/> or <paramref name="delay"/> is out of range.</exception>
    public static Gate<TContext> Retry<TContext>(Gate<TContext> gate, int maxAttempts, TimeSpan budget, TimeSpan delay = default, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(budget, MaxTimeout);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(delay, budget);
        return new RetryGate<TContext>(EvidenceName.Compose("retry", gate.Name), gate, maxAttempts, budget, delay, timeProvider ?? TimeProvider.System);
    }
}

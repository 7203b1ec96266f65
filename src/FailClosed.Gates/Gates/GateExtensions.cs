namespace FailClosed.Gates;

/// <summary>Fluent composition of gates.</summary>
public static class GateExtensions
{
    /// <summary>
    /// Combines two gates so both must allow: a deny from either wins over an indeterminate from the other; see
    /// <see cref="Gate.All{TContext}(Gate{TContext}[])"/>.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="gate">The first gate, evaluated first.</param>
    /// <param name="other">The second gate, evaluated unless the first denies.</param>
    /// <returns>The combined gate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> or <paramref name="other"/> is null.</exception>
    public static Gate<TContext> And<TContext>(this Gate<TContext> gate, Gate<TContext> other)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(other);
        return Gate.All(gate, other);
    }

    /// <summary>Combines two gates so either may allow; see <see cref="Gate.Any{TContext}(Gate{TContext}[])"/>.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="gate">The first gate, evaluated first.</param>
    /// <param name="other">The second gate, evaluated only when the first blocks.</param>
    /// <returns>The combined gate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> or <paramref name="other"/> is null.</exception>
    public static Gate<TContext> Or<TContext>(this Gate<TContext> gate, Gate<TContext> other)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(other);
        return Gate.Any(gate, other);
    }

    /// <summary>Limits the time <paramref name="gate"/> has to answer; see <see cref="Gate.Timeout{TContext}(Gate{TContext}, TimeSpan, TimeProvider?)"/>.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="gate">The gate to limit.</param>
    /// <param name="timeout">The time limit; greater than zero.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The limited gate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative, infinite or above <see cref="Gate.MaxTimeout"/>.</exception>
    public static Gate<TContext> WithTimeout<TContext>(this Gate<TContext> gate, TimeSpan timeout, TimeProvider? timeProvider = null) =>
        Gate.Timeout(gate, timeout, timeProvider);
}

namespace FailClosed.Gates;

/// <summary>Factories for gates from delegates and constants. Combinators are in the other half of this class.</summary>
public static partial class Gate
{
    /// <summary>Creates a gate that allows when <paramref name="predicate"/> returns <see langword="true"/> and denies otherwise.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="predicate">The requirement. An exception it throws is an indeterminate <see cref="GateCodes.Fault"/>.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static Gate<TContext> Require<TContext>(string name, Func<TContext, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new PredicateGate<TContext>(name, predicate);
    }

    /// <summary>Creates a gate that allows when the asynchronous <paramref name="predicate"/> returns <see langword="true"/> and denies otherwise.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="predicate">The requirement. An exception or fault is an indeterminate <see cref="GateCodes.Fault"/>.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static Gate<TContext> Require<TContext>(string name, Func<TContext, CancellationToken, ValueTask<bool>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new AsyncPredicateGate<TContext>(name, predicate);
    }

    /// <summary>Creates a gate whose decision is made by <paramref name="decide"/>.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="decide">The decision. A <c>default</c> decision is <see cref="GateCodes.Unset"/> and blocks.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="decide"/> is null.</exception>
    public static Gate<TContext> From<TContext>(string name, Func<TContext, GateDecision> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return new DelegateGate<TContext>(name, decide);
    }

    /// <summary>Creates a gate whose decision is made by the asynchronous <paramref name="decide"/>.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="decide">The decision. A <c>default</c> decision is <see cref="GateCodes.Unset"/> and blocks.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="decide"/> is null.</exception>
    public static Gate<TContext> From<TContext>(string name, Func<TContext, CancellationToken, ValueTask<GateDecision>> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return new AsyncDelegateGate<TContext>(name, decide);
    }

    /// <summary>Creates a gate that always allows. Useful in tests and as an explicit, reviewable "no precondition".</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    public static Gate<TContext> Allow<TContext>(string name)
    {
        EvidenceName.ThrowIfInvalid(name, "gate name");
        return new ConstantGate<TContext>(name, GateDecision.Allow(name));
    }

    /// <summary>Creates a gate that always denies.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="reason">An optional explanation carried by every decision.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    public static Gate<TContext> Deny<TContext>(string name, string? reason = null)
    {
        EvidenceName.ThrowIfInvalid(name, "gate name");
        return new ConstantGate<TContext>(name, GateDecision.Deny(name, reason));
    }
}

using System.Linq.Expressions;

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

    /// <summary>
    /// Creates a gate like <see cref="Require{TContext}(string, Func{TContext, bool})"/> from an expression, which
    /// <see cref="All{TContext}(Gate{TContext}[])"/> and <see cref="Any{TContext}(Gate{TContext}[])"/> can fuse with
    /// its neighbours: consecutive expression requirements of one composite are compiled, once, into one method that
    /// runs their checks one after another without a delegate call each.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="predicate">The requirement. An exception it throws is an indeterminate <see cref="GateCodes.Fault"/>
    /// naming this gate, fused or not.</param>
    /// <returns>The gate. Its decisions, names, fault attribution and the order in which checks run are those of
    /// <see cref="Require{TContext}(string, Func{TContext, bool})"/> with the compiled predicate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    /// <remarks>
    /// The expression is compiled when the gate is built, and each run of two or more when its composite is built
    /// (tens to hundreds of microseconds each): build gates once and reuse them. Where the runtime cannot compile
    /// code (Native AOT), the expression is interpreted and nothing is fused; the decisions are the same. Use it for
    /// checks on the hot path; a lambda that an expression tree cannot hold (a statement body, a pattern) stays a
    /// <see cref="Require{TContext}(string, Func{TContext, bool})"/>.
    /// </remarks>
    public static Gate<TContext> RequireExpression<TContext>(string name, Expression<Func<TContext, bool>> predicate)
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

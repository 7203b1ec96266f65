namespace FailClosed.Gates.Testing;

/// <summary>
/// The combinators a law check composes leaves with: the library's own by default, or a team's (to check its own
/// <c>All</c>, <c>Any</c>, <c>Not</c> or <c>Timeout</c> against the three-valued laws).
/// </summary>
/// <typeparam name="TContext">The type of the value judged.</typeparam>
public sealed record GateCombinators<TContext>
{
    /// <summary>Gets the library's combinators: <see cref="Gate.All{TContext}(string, Gate{TContext}[])"/>,
    /// <see cref="Gate.Any{TContext}(string, Gate{TContext}[])"/>, <see cref="Gate.Not{TContext}(string, Gate{TContext})"/>
    /// and <see cref="Gate.Timeout{TContext}(string, Gate{TContext}, TimeSpan, TimeProvider?)"/>.</summary>
    public static GateCombinators<TContext> Library { get; } = new();

    /// <summary>Gets the conjunction: (name, children) to a gate.</summary>
    public Func<string, Gate<TContext>[], Gate<TContext>> All { get; init; } = static (name, gates) => Gate.All(name, gates);

    /// <summary>Gets the disjunction: (name, children) to a gate.</summary>
    public Func<string, Gate<TContext>[], Gate<TContext>> Any { get; init; } = static (name, gates) => Gate.Any(name, gates);

    /// <summary>Gets the negation: (name, child) to a gate.</summary>
    public Func<string, Gate<TContext>, Gate<TContext>> Not { get; init; } = static (name, gate) => Gate.Not(name, gate);

    /// <summary>Gets the timeout: (name, child, duration, clock) to a gate.</summary>
    public Func<string, Gate<TContext>, TimeSpan, TimeProvider, Gate<TContext>> Timeout { get; init; } =
        static (name, gate, timeout, timeProvider) => Gate.Timeout(name, gate, timeout, timeProvider);
}

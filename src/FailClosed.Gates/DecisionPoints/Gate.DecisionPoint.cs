namespace FailClosed.Gates;

/// <summary>Remote decision-point gates.</summary>
public static partial class Gate
{
    /// <summary>
    /// Creates a gate that asks a remote policy decision point, bounded by <see cref="DecisionPointOptions.Timeout"/>.
    /// An unreachable or failing decision point, a late answer and an answer without a definite verdict block; with
    /// <see cref="DecisionPointOptions.PolicyVersion"/> set, so does an allow under any other policy version.
    /// </summary>
    /// <typeparam name="TContext">The type of the request judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="decisionPoint">The decision point.</param>
    /// <param name="options">The time limit, the pinned policy version and the clock.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space, or the pinned policy version is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="decisionPoint"/>, <paramref name="options"/> or its time provider is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The time limit is not positive or exceeds <see cref="MaxTimeout"/>.</exception>
    public static Gate<TContext> DecisionPoint<TContext>(string name, IPolicyDecisionPoint<TContext> decisionPoint, DecisionPointOptions options)
    {
        ArgumentNullException.ThrowIfNull(decisionPoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        TimeSpan timeout = options.Timeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, "options.Timeout");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, MaxTimeout, "options.Timeout");
        if (options.PolicyVersion is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(options.PolicyVersion, "options.PolicyVersion");
        }

        return new DecisionPointGate<TContext>(name, decisionPoint, timeout, options.PolicyVersion, options.TimeProvider);
    }
}

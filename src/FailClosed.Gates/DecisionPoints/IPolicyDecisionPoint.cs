namespace FailClosed.Gates;

/// <summary>
/// A remote policy decision point (OPA, Cedar, or the host's own service), implemented by the host. A gate made by
/// <see cref="Gate.DecisionPoint{TContext}(string, IPolicyDecisionPoint{TContext}, DecisionPointOptions)"/> bounds it
/// with a time limit and judges its answer.
/// </summary>
/// <typeparam name="TContext">The type of the request sent to the decision point.</typeparam>
public interface IPolicyDecisionPoint<in TContext>
{
    /// <summary>Asks the decision point about <paramref name="context"/>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="cancellationToken">Canceled when the caller gives up or the gate's time limit passes.</param>
    /// <returns>The answer; <see langword="null"/> or an answer without a definite verdict blocks.</returns>
    ValueTask<DecisionPointAnswer?> DecideAsync(TContext context, CancellationToken cancellationToken);
}

namespace FailClosed.Gates.Samples.TeamGateTests;

/// <summary>A refund a support agent asks for.</summary>
public sealed record Refund(string Customer, decimal Amount);

/// <summary>The fraud service the team's gate asks: a risk score from 0 (safe) to 100.</summary>
public delegate ValueTask<int> FraudScore(Refund refund, CancellationToken cancellationToken);

/// <summary>
/// The team's own gate: a refund up to 500 is allowed when the fraud service scores it under 50, and the service
/// has 250 ms to answer. Anything else (a throw, a hang, a late answer) must block.
/// </summary>
public sealed class RefundGate : Gate<Refund>
{
    public const decimal Limit = 500m;

    private readonly Gate<Refund> _inner;

    public RefundGate(FraudScore fraudScore, TimeProvider timeProvider)
        : base("refund")
    {
        ArgumentNullException.ThrowIfNull(fraudScore);
        _inner = Gate.All(
            "refund",
            Gate.Require<Refund>("refund-limit", refund => refund.Amount <= Limit),
            Gate.Timeout(
                Gate.Require<Refund>("fraud-score", async (refund, ct) => await fraudScore(refund, ct) < 50),
                TimeSpan.FromMilliseconds(250),
                timeProvider));
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(Refund context, CancellationToken cancellationToken) =>
        _inner.EvaluateAsync(context, cancellationToken);
}

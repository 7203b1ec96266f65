namespace FailClosed.Gates.Samples.SecretsBroker;

/// <summary>
/// The identity provider's token-introspection endpoint, as a remote decision point: is this token active, under the
/// current signing-key set? When <see cref="Hangs"/> is set it stops answering, as an overloaded provider does.
/// </summary>
internal sealed class TokenIntrospection : IPolicyDecisionPoint<SecretRequest>
{
    public bool Hangs { get; set; }

    public int Calls { get; private set; }

    public async ValueTask<DecisionPointAnswer?> DecideAsync(SecretRequest context, CancellationToken cancellationToken)
    {
        Calls++;
        if (Hangs)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
        }

        return context.Token.StartsWith("eyJ", StringComparison.Ordinal)
            ? new DecisionPointAnswer(Verdict.Allow, "jwks-2026-03", "The token is active.")
            : new DecisionPointAnswer(Verdict.Deny, "jwks-2026-03", "The token is not active.");
    }
}

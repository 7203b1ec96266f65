using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// Allows only when a verified identity is present and its credential has not expired by the <see cref="TimeProvider"/>;
/// anything else is <see cref="Verdict.Indeterminate"/> with <see cref="GateCodes.IdentityMissing"/>. No anonymous fallback.
/// </summary>
internal sealed class IdentityGate<TContext> : Gate<TContext>
{
    private readonly Func<TContext, VerifiedIdentity?> _identityOf;
    private readonly TimeProvider _timeProvider;
    private readonly GateDecision _allowed;
    private readonly GateDecision _missing;

    public IdentityGate(string name, Func<TContext, VerifiedIdentity?> identityOf, TimeProvider timeProvider)
        : base(name)
    {
        _identityOf = identityOf;
        _timeProvider = timeProvider;
        _allowed = GateDecision.Allow(name);
        _missing = GateDecision.Indeterminate(name, GateCodes.IdentityMissing, "No verified identity was presented.");
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        VerifiedIdentity? identity = _identityOf(context);
        if (identity is null)
        {
            return new ValueTask<GateDecision>(_missing);
        }

        if (identity.IsExpiredAt(_timeProvider.GetUtcNow()))
        {
            return new ValueTask<GateDecision>(GateDecision.Indeterminate(
                Name,
                GateCodes.IdentityMissing,
                string.Create(CultureInfo.InvariantCulture, $"The credential of '{identity.Subject}' expired at {identity.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}.")));
        }

        return new ValueTask<GateDecision>(_allowed);
    }
}

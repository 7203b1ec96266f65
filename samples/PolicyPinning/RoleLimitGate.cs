using System.Collections.Frozen;
using System.Globalization;

namespace FailClosed.Gates.Samples.PolicyPinning;

/// <summary>The gate compiled from a role-limit policy: allows a listed role up to its limit, denies everything else.</summary>
internal sealed class RoleLimitGate : Gate<PaymentRequest>
{
    private readonly FrozenDictionary<string, (decimal Limit, GateDecision OverLimit)> _roles;
    private readonly GateDecision _allow;
    private readonly GateDecision _unlisted;

    public RoleLimitGate(string name, FrozenDictionary<string, decimal> limits)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var roles = new Dictionary<string, (decimal, GateDecision)>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, decimal> pair in limits)
        {
            string reason = string.Create(CultureInfo.InvariantCulture, $"Role '{pair.Key}' may release at most {pair.Value}.");
            roles.Add(pair.Key, (pair.Value, GateDecision.Deny(name, reason)));
        }

        _roles = roles.ToFrozenDictionary(StringComparer.Ordinal);
        _allow = GateDecision.Allow(name);
        _unlisted = GateDecision.Deny(name, "The role is not on the policy's allow-list.");
    }

    /// <summary>Gets the limit of each listed role.</summary>
    public IEnumerable<KeyValuePair<string, decimal>> Limits
    {
        get
        {
            foreach (KeyValuePair<string, (decimal Limit, GateDecision OverLimit)> pair in _roles)
            {
                yield return new KeyValuePair<string, decimal>(pair.Key, pair.Value.Limit);
            }
        }
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(PaymentRequest context, CancellationToken cancellationToken)
    {
        if (context is null || !_roles.TryGetValue(context.Role, out (decimal Limit, GateDecision OverLimit) rule))
        {
            return new ValueTask<GateDecision>(_unlisted);
        }

        return new ValueTask<GateDecision>(context.Amount <= rule.Limit ? _allow : rule.OverLimit);
    }
}

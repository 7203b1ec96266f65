using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// Asks a remote <see cref="IPolicyDecisionPoint{TContext}"/> within a time limit. No answer in time is
/// <see cref="GateCodes.Timeout"/>; an unreachable or failing decision point is <see cref="GateCodes.Fault"/> (by the
/// base class); an answer without a definite verdict is <see cref="GateCodes.Malformed"/> or <see cref="GateCodes.Unset"/>;
/// an allow under another policy version than the pinned one is <see cref="GateCodes.PolicyVersionMismatch"/>.
/// </summary>
internal sealed class DecisionPointGate<TContext> : Gate<TContext>
{
    private readonly IPolicyDecisionPoint<TContext> _decisionPoint;
    private readonly TimeSpan _timeout;
    private readonly string? _policyVersion;
    private readonly TimeProvider _timeProvider;

    public DecisionPointGate(string name, IPolicyDecisionPoint<TContext> decisionPoint, TimeSpan timeout, string? policyVersion, TimeProvider timeProvider)
        : base(name)
    {
        _decisionPoint = decisionPoint;
        _timeout = timeout;
        _policyVersion = policyVersion;
        _timeProvider = timeProvider;
    }

    protected override async ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        DecisionPointAnswer? answer;
        try
        {
            // WaitAsync keeps the limit even for a decision point that ignores its token.
            answer = await _decisionPoint.DecideAsync(context, linked.Token).AsTask().WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return GateDecision.Indeterminate(
                Name,
                GateCodes.Timeout,
                string.Create(CultureInfo.InvariantCulture, $"The decision point did not answer within {_timeout}."));
        }

        return Judge(answer);
    }

    private GateDecision Judge(DecisionPointAnswer? answer)
    {
        if (answer is null)
        {
            return GateDecision.Indeterminate(Name, GateCodes.Malformed, "The decision point returned no answer.");
        }

        switch (answer.Verdict)
        {
            case Verdict.Deny:
                // A deny blocks whatever version it came from; turning it into an indeterminate could only weaken it.
                return GateDecision.Deny(Name, answer.Reason ?? "The decision point denied the request.");
            case Verdict.Indeterminate:
                return GateDecision.Indeterminate(Name, GateCodes.Unset, "The decision point gave no decision.");
            case Verdict.Allow:
                break;
            default:
                return GateDecision.Indeterminate(
                    Name,
                    GateCodes.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"The decision point answered with the undefined verdict {(int)answer.Verdict}."));
        }

        if (_policyVersion is not null && !string.Equals(_policyVersion, answer.PolicyVersion, StringComparison.Ordinal))
        {
            return GateDecision.Indeterminate(
                Name,
                GateCodes.PolicyVersionMismatch,
                answer.PolicyVersion is null
                    ? "The decision point allowed without naming its policy version; version '" + _policyVersion + "' is pinned."
                    : "The decision point allowed under policy version '" + answer.PolicyVersion + "'; version '" + _policyVersion + "' is pinned.");
        }

        return GateDecision.Allow(Name, answer.Reason);
    }
}

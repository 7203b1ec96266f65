namespace FailClosed.Gates.Samples.AgentToolGuard;

/// <summary>A remote policy decision point that has stopped answering (a hung OPA sidecar, say).</summary>
internal sealed class SilentDecisionPoint : IPolicyDecisionPoint<ToolCall>
{
    public async ValueTask<DecisionPointAnswer?> DecideAsync(ToolCall context, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
        return new DecisionPointAnswer(Verdict.Allow, "risk-policy-9");
    }
}

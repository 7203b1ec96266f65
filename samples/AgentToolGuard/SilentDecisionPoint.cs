using FailClosed.Gates.Testing;

namespace FailClosed.Gates.Samples.AgentToolGuard;

/// <summary>
/// A remote policy decision point that has stopped answering (a hung OPA sidecar, say). While it hangs, the sample's
/// manual clock moves past the gate's time limit, so the run shows a real timeout without anyone waiting for it.
/// </summary>
internal sealed class SilentDecisionPoint : IPolicyDecisionPoint<ToolCall>
{
    private readonly ManualTimeProvider _clock;
    private readonly TimeSpan _hangsFor;

    public SilentDecisionPoint(ManualTimeProvider clock, TimeSpan hangsFor)
    {
        _clock = clock;
        _hangsFor = hangsFor;
    }

    public async ValueTask<DecisionPointAnswer?> DecideAsync(ToolCall context, CancellationToken cancellationToken)
    {
        _clock.Advance(_hangsFor); // the gate's deadline fires on this clock
        await Task.Delay(Timeout.InfiniteTimeSpan, _clock, cancellationToken);
        return new DecisionPointAnswer(Verdict.Allow, "risk-policy-9");
    }
}

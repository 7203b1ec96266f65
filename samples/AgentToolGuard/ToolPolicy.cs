namespace FailClosed.Gates.Samples.AgentToolGuard;

/// <summary>One gate per catalogued tool; a tool without one is denied.</summary>
internal sealed class ToolPolicy : Gate<ToolCall>
{
    private readonly Dictionary<string, Gate<ToolCall>> _gates;

    public ToolPolicy(Dictionary<string, Gate<ToolCall>> gates)
        : base("tool-policy")
    {
        _gates = gates;
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(ToolCall context, CancellationToken cancellationToken) =>
        _gates.TryGetValue(context.ToolName, out Gate<ToolCall>? gate)
            ? gate.EvaluateAsync(context, cancellationToken)
            : new ValueTask<GateDecision>(GateDecision.Deny(Name, "No policy covers tool '" + context.ToolName + "'."));
}

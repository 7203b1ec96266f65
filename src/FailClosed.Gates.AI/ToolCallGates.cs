namespace FailClosed.Gates.AI;

/// <summary>The checks every gated tool call passes before the host's gate: readable arguments, then a verified caller.</summary>
internal static class ToolCallGates
{
    private static readonly Gate<ToolCall> WellFormed = Gate.From<ToolCall>(
        "tool-arguments",
        static call => call.IsWellFormed
            ? GateDecision.Allow("tool-arguments")
            : GateDecision.Indeterminate("tool-arguments", GateCodes.Malformed, call.MalformedReason));

    public static Gate<ToolCall> Compose(Gate<ToolCall> gate, bool requireCaller, TimeProvider timeProvider) =>
        requireCaller
            ? Gate.All("tool-call", WellFormed, Gate.RequireIdentity<ToolCall>("tool-caller", static call => call.Caller, timeProvider), gate)
            : Gate.All("tool-call", WellFormed, gate);
}

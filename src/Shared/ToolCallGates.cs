namespace FailClosed.Gates;

/// <summary>
/// The checks every gated tool call passes before the host's gate: readable arguments, then a verified caller. One
/// source, compiled into FailClosed.Gates.AI and FailClosed.Gates.Mcp (internal to each), so both wrappers judge a
/// call the same way without new public API in the core.
/// </summary>
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

    /// <summary>
    /// The same checks for running an approved call. An approval stands in for a check of the host's gate that could not
    /// answer, never for unreadable arguments or a missing or expired caller: those are definite blocks here. The pins
    /// are those of <see cref="Compose"/>, so the request digest is the one the ticket was bound to.
    /// </summary>
    public static Gate<ToolCall> ComposeForApprovedRun(Gate<ToolCall> gate, bool requireCaller, TimeProvider timeProvider) =>
        requireCaller
            ? Gate.All("tool-call", new DefiniteGate(WellFormed), new DefiniteGate(Gate.RequireIdentity<ToolCall>("tool-caller", static call => call.Caller, timeProvider)), gate)
            : Gate.All("tool-call", new DefiniteGate(WellFormed), gate);

    /// <summary>Turns an Indeterminate answer of a precondition (other than cancellation) into a Deny with the same code.</summary>
    private sealed class DefiniteGate : Gate<ToolCall>
    {
        private readonly Gate<ToolCall> _inner;

        public DefiniteGate(Gate<ToolCall> inner)
            : base(inner.Name)
        {
            _inner = inner;
        }

        public override IReadOnlyList<PolicyPin> Pins => _inner.Pins;

        protected override ValueTask<GateDecision> EvaluateCoreAsync(ToolCall context, CancellationToken cancellationToken)
        {
            ValueTask<GateDecision> pending = _inner.EvaluateAsync(context, cancellationToken);
            return pending.IsCompletedSuccessfully ? new ValueTask<GateDecision>(Definite(pending.Result)) : SlowAsync(pending);
        }

        private static async ValueTask<GateDecision> SlowAsync(ValueTask<GateDecision> pending) => Definite(await pending.ConfigureAwait(false));

        private static GateDecision Definite(GateDecision decision) =>
            decision.Verdict == Verdict.Indeterminate && decision.Code != GateCodes.Canceled
                ? GateDecision.Deny(decision.Gate, decision.Reason, decision.Code)
                : decision;
    }
}

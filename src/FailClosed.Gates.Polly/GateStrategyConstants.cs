namespace FailClosed.Gates.Polly;

/// <summary>Names the gate strategy shows in Polly's telemetry.</summary>
internal static class GateStrategyConstants
{
    /// <summary>The default strategy name.</summary>
    public const string DefaultName = "Gate";

    /// <summary>The telemetry event of a block, reported with <see cref="global::Polly.Telemetry.ResilienceEventSeverity.Error"/>.</summary>
    public const string OnGateBlockedEvent = "OnGateBlocked";

    /// <summary>The gate name of a block caused by a context factory that threw.</summary>
    public const string ContextGateName = "polly-context";
}

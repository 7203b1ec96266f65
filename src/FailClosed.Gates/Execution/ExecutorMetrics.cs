using System.Diagnostics.Metrics;

namespace FailClosed.Gates;

/// <summary>
/// The executor's default telemetry when no <see cref="EvidenceFirstExecutorOptions.Telemetry"/> is set: two counters
/// on the static <c>FailClosed.Gates</c> meter, so the core reports its exceptional runs without DI.
/// </summary>
internal sealed class ExecutorMetrics : ExecutionTelemetry
{
    public const string MeterName = "FailClosed.Gates";

    public const string ActionTag = "failclosed.gates.action";

    public const string CodeTag = "failclosed.gates.code";

    internal static readonly Meter Meter = new(MeterName);

    /// <summary>Side effects that ran under a fail-open exemption, tagged with the action and the code they ran despite.</summary>
    private static readonly Counter<long> FailOpen = Meter.CreateCounter<long>(
        "failclosed.gates.executor.fail_open",
        unit: "{execution}",
        description: "Side effects that ran under a fail-open exemption despite an indeterminate verdict or an evidence outage.");

    /// <summary>Side effects that ran but whose Outcome record could not be written, tagged with the action.</summary>
    private static readonly Counter<long> OutcomeUnrecorded = Meter.CreateCounter<long>(
        "failclosed.gates.executor.outcome_unrecorded",
        unit: "{execution}",
        description: "Side effects that ran but whose Outcome evidence record could not be written.");

    private ExecutorMetrics()
    {
    }

    public static ExecutorMetrics Instance { get; } = new();

    // Counts outcomes only: no stage is timed for it (each clock read costs tens of nanoseconds on some machines).
    public override bool TimesGate(object? state) => false;

    public override bool TimesSideEffect(object? state) => false;

    public override void OnExecutionCompleted(object? state, in ExecutionReport report)
    {
        if (report.IsFailOpen && FailOpen.Enabled)
        {
            FailOpen.Add(1, new KeyValuePair<string, object?>(ActionTag, report.Action), new KeyValuePair<string, object?>(CodeTag, TelemetryNames.Code(report.Decision.Code)));
        }

        if (!report.IsOutcomeRecorded && OutcomeUnrecorded.Enabled)
        {
            OutcomeUnrecorded.Add(1, new KeyValuePair<string, object?>(ActionTag, report.Action));
        }
    }
}

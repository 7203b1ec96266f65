using System.Diagnostics.Metrics;

namespace FailClosed.Gates;

/// <summary>The counters of the evidence-first executor, on the <c>FailClosed.Gates</c> meter.</summary>
internal static class ExecutorMetrics
{
    public const string MeterName = "FailClosed.Gates";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Side effects that ran under a fail-open exemption, tagged with the action and the code they ran despite.</summary>
    public static readonly Counter<long> FailOpen = Meter.CreateCounter<long>(
        "failclosed.gates.executor.fail_open",
        unit: "{execution}",
        description: "Side effects that ran under a fail-open exemption despite an indeterminate verdict or an evidence outage.");

    /// <summary>Side effects that ran but whose Outcome record could not be written, tagged with the action.</summary>
    public static readonly Counter<long> OutcomeUnrecorded = Meter.CreateCounter<long>(
        "failclosed.gates.executor.outcome_unrecorded",
        unit: "{execution}",
        description: "Side effects that ran but whose Outcome evidence record could not be written.");

    public static void RecordFailOpen(string action, string code)
    {
        if (FailOpen.Enabled)
        {
            FailOpen.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("code", code));
        }
    }

    public static void RecordOutcomeUnrecorded(string action)
    {
        if (OutcomeUnrecorded.Enabled)
        {
            OutcomeUnrecorded.Add(1, new KeyValuePair<string, object?>("action", action));
        }
    }
}

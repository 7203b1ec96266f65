using System.Diagnostics.Metrics;

namespace FailClosed.Gates.Extensions;

/// <summary>
/// The executor's instruments on the <c>FailClosed.Gates</c> meter, created through <see cref="IMeterFactory"/> so a
/// host (or a test) can isolate them; a meter of its own when no factory is registered.
/// </summary>
internal sealed class FailClosedGatesMetrics : IDisposable
{
    public const string MeterName = "FailClosed.Gates";

    public const string ActionTag = "failclosed.gates.action";
    public const string VerdictTag = "failclosed.gates.verdict";
    public const string CodeTag = "failclosed.gates.code";
    public const string ExecutedTag = "failclosed.gates.executed";
    public const string EvidenceKindTag = "failclosed.gates.evidence.kind";
    public const string WrittenTag = "failclosed.gates.evidence.written";
    public const string TransitionTag = "failclosed.gates.review.transition";
    public const string StateTag = "failclosed.gates.review.state";

    private static readonly double[] DurationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter? _owned;

    public FailClosedGatesMetrics(IMeterFactory? meterFactory)
    {
        Meter meter = meterFactory is not null
            ? meterFactory.Create(new MeterOptions(MeterName) { Version = typeof(FailClosedGatesMetrics).Assembly.GetName().Version?.ToString() })
            : (_owned = new Meter(MeterName));

        Decisions = meter.CreateCounter<long>(
            "failclosed.gates.executor.decisions",
            unit: "{execution}",
            description: "Executions by the decision they ended with: allowed and run, blocked, or run under a fail-open exemption.");
        FailOpen = meter.CreateCounter<long>(
            "failclosed.gates.executor.fail_open",
            unit: "{execution}",
            description: "Side effects that ran under a fail-open exemption despite an indeterminate verdict or an evidence outage.");
        OutcomeUnrecorded = meter.CreateCounter<long>(
            "failclosed.gates.executor.outcome_unrecorded",
            unit: "{execution}",
            description: "Side effects that ran but whose Outcome evidence record could not be written.");
        ReviewsEnqueued = meter.CreateCounter<long>(
            "failclosed.gates.review.enqueued",
            unit: "{ticket}",
            description: "Refused requests queued for human review.");
        ReviewTransitions = meter.CreateCounter<long>(
            "failclosed.gates.review.transitions",
            unit: "{transition}",
            description: "Changes to review tickets made through this host: approvals and rejections counted, tickets expired, approved requests claimed to run.");
        PendingReviews = meter.CreateUpDownCounter<long>(
            "failclosed.gates.review.pending",
            unit: "{ticket}",
            description: "Review tickets this host queued that are still pending: up when one is queued, down when it is approved, rejected or expires.");
        GateDuration = meter.CreateHistogram(
            "failclosed.gates.gate.duration",
            unit: "s",
            description: "How long a guarded action's gate took to answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        AppendDuration = meter.CreateHistogram(
            "failclosed.gates.evidence.append.duration",
            unit: "s",
            description: "How long an evidence write took until it was acknowledged, failed or passed its deadline.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public Counter<long> Decisions { get; }

    public Counter<long> FailOpen { get; }

    public Counter<long> OutcomeUnrecorded { get; }

    public Counter<long> ReviewsEnqueued { get; }

    public Counter<long> ReviewTransitions { get; }

    public UpDownCounter<long> PendingReviews { get; }

    public Histogram<double> GateDuration { get; }

    public Histogram<double> AppendDuration { get; }

    // A meter from the factory is the factory's to dispose.
    public void Dispose() => _owned?.Dispose();
}

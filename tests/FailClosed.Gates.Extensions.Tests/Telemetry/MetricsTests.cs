using System.Diagnostics.Metrics;
using FailClosed.Gates.Extensions.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace FailClosed.Gates.Extensions.Tests.Telemetry;

[Collection(GlobalListenersCollection.Name)]
public sealed class MetricsTests
{
    private static readonly DateTimeOffset ReviewBy = new(2027, 3, 31, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ExecuteAsync_AllowDenyFailOpen_CountsDecisionsWithEveryTag()
    {
        await using GatesHost host = await StartAsync();
        using MetricCollector<long> decisions = Collect<long>(host, "failclosed.gates.executor.decisions");
        using MetricCollector<long> failOpen = Collect<long>(host, "failclosed.gates.executor.fail_open");

        await RunAsync(host, "payments.send", GateDecision.Allow("limits"));
        await RunAsync(host, "payments.send", GateDecision.Deny("limits", "Over the limit."));
        await RunAsync(host, "reports.send", GateDecision.Indeterminate("screening", GateCodes.Timeout, "No answer."));

        IReadOnlyList<CollectedMeasurement<long>> measured = decisions.GetMeasurementSnapshot();
        Assert.Equal(3, measured.Count);
        AssertTags(measured[0], ("failclosed.gates.action", "payments.send"), ("failclosed.gates.verdict", "allow"), ("failclosed.gates.code", "allowed"), ("failclosed.gates.executed", true));
        AssertTags(measured[1], ("failclosed.gates.action", "payments.send"), ("failclosed.gates.verdict", "deny"), ("failclosed.gates.code", "denied"), ("failclosed.gates.executed", false));
        AssertTags(measured[2], ("failclosed.gates.action", "reports.send"), ("failclosed.gates.verdict", "indeterminate"), ("failclosed.gates.code", "timeout"), ("failclosed.gates.executed", true));
        Assert.All(measured, static m => Assert.Equal(1, m.Value));
        AssertTags(Assert.Single(failOpen.GetMeasurementSnapshot()), ("failclosed.gates.action", "reports.send"), ("failclosed.gates.code", "timeout"));
    }

    [Fact]
    public async Task ExecuteAsync_Allowed_RecordsGateAndAppendDurations()
    {
        await using GatesHost host = await StartAsync();
        using MetricCollector<double> gate = Collect<double>(host, "failclosed.gates.gate.duration");
        using MetricCollector<double> append = Collect<double>(host, "failclosed.gates.evidence.append.duration");

        await RunAsync(host, "payments.send", GateDecision.Allow("limits"));

        CollectedMeasurement<double> evaluation = Assert.Single(gate.GetMeasurementSnapshot());
        AssertTags(evaluation, ("failclosed.gates.action", "payments.send"), ("failclosed.gates.verdict", "allow"));
        Assert.True(evaluation.Value >= 0);
        IReadOnlyList<CollectedMeasurement<double>> appends = append.GetMeasurementSnapshot();
        Assert.Equal(2, appends.Count);
        AssertTags(appends[0], ("failclosed.gates.evidence.kind", "intent"), ("failclosed.gates.evidence.written", true));
        AssertTags(appends[1], ("failclosed.gates.evidence.kind", "outcome"), ("failclosed.gates.evidence.written", true));
    }

    [Fact]
    public async Task ExecuteAsync_JournalFaulted_CountsTheFailedAppendAndTheReviewTicket()
    {
        await using GatesHost host = await GatesHost.StartAsync(services: s => s.AddSingleton<IReviewQueue>(new InMemoryReviewQueue()));
        await host.FaultJournalAsync();
        using MetricCollector<double> append = Collect<double>(host, "failclosed.gates.evidence.append.duration");
        using MetricCollector<long> reviews = Collect<long>(host, "failclosed.gates.review.enqueued");
        using MetricCollector<long> decisions = Collect<long>(host, "failclosed.gates.executor.decisions");

        await RunAsync(host, "payments.send", GateDecision.Allow("limits"));

        AssertTags(append.GetMeasurementSnapshot()[0], ("failclosed.gates.evidence.kind", "intent"), ("failclosed.gates.evidence.written", false));
        AssertTags(Assert.Single(reviews.GetMeasurementSnapshot()), ("failclosed.gates.action", "payments.send"), ("failclosed.gates.code", "evidence_unavailable"));
        AssertTags(
            Assert.Single(decisions.GetMeasurementSnapshot()),
            ("failclosed.gates.action", "payments.send"),
            ("failclosed.gates.verdict", "indeterminate"),
            ("failclosed.gates.code", "evidence_unavailable"),
            ("failclosed.gates.executed", false));
    }

    [Fact]
    public async Task ExecuteAsync_OutcomeWriteFails_CountsOutcomeUnrecorded()
    {
        await using GatesHost host = await StartAsync();
        using MetricCollector<long> unrecorded = Collect<long>(host, "failclosed.gates.executor.outcome_unrecorded");
        host.Anchor.Unreachable = true;

        await RunAsync(host, "payments.send", GateDecision.Allow("limits"));

        AssertTags(Assert.Single(unrecorded.GetMeasurementSnapshot()), ("failclosed.gates.action", "payments.send"));
    }

    [Fact]
    public async Task AppendAsync_FileJournal_RecordsItsBatchSizeOnTheCoreMeter()
    {
        await using GatesHost host = await StartAsync();
        var sizes = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "FailClosed.Gates" && instrument.Name == "failclosed.gates.journal.batch.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            lock (sizes)
            {
                sizes.Add(value);
            }
        });
        listener.Start();
        FileEvidenceJournal journal = host.HostedJournal.Journal!;
        long before = journal.Count;

        await RunAsync(host, "payments.send", GateDecision.Allow("limits"));

        lock (sizes)
        {
            // Other tests' journals share the static meter; ours wrote its two records in batches of one or two.
            Assert.Contains(sizes, static s => s is 1 or 2);
        }

        Assert.Equal(before + 2, journal.Count);
    }

    private static Task<GatesHost> StartAsync() =>
        GatesHost.StartAsync(o => o.Catalog.Actions.Add(
            new GuardedActionOptions { Name = "reports.send", FailOpen = true, Justification = "Advisory only.", ReviewBy = ReviewBy }));

    private static async Task RunAsync(GatesHost host, string name, GateDecision decision)
    {
        var action = new GuardedAction<int>(name, Gate.From<int>("g", _ => decision));
        _ = await host.Executor.ExecuteAsync(action, 1, static (n, _) => ValueTask.FromResult(n));
    }

    private static MetricCollector<T> Collect<T>(GatesHost host, string instrument)
        where T : struct =>
        new(host.Services.GetRequiredService<IMeterFactory>(), "FailClosed.Gates", instrument);

    private static void AssertTags<T>(CollectedMeasurement<T> measurement, params (string Key, object Value)[] expected)
        where T : struct
    {
        Assert.Equal(expected.Length, measurement.Tags.Count);
        foreach ((string key, object value) in expected)
        {
            Assert.Equal(value, measurement.Tags[key]);
        }
    }
}

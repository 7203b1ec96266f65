using FailClosed.Gates.Extensions.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;

namespace FailClosed.Gates.Extensions.Tests.Telemetry;

/// <summary>A ticket's life after it is queued, as logs, metrics and the health check's backlog see it.</summary>
[Collection(GlobalListenersCollection.Name)]
public sealed class ReviewTelemetryTests
{
    private const string Action = "payments.send";

    [Fact]
    public async Task ApproveAsync_TwoPersonRule_LogsEachCountedApprovalAndTheClaim()
    {
        await using GatesHost host = await StartAsync(ApprovalRule.Require(2, "treasury"));
        ReviewTicket queued = await QueueAsync(host);
        host.Logs.Clear();

        _ = await host.Executor.ApproveAsync(queued.Id, "ana", "Checked the invoice.");
        _ = await host.Executor.ApproveAsync(queued.Id, "ben");
        GuardedResult<int> run = await host.Executor.ExecuteApprovedAsync(queued.Id, Uncertain(), 42, static (_, _) => ValueTask.FromResult(1));

        Assert.True(run.Executed);
        IReadOnlyList<FakeLogRecord> reviews = Reviews(host);
        Assert.Equal(
            [FailClosedGatesEventIds.ReviewApproved, FailClosedGatesEventIds.ReviewApproved, FailClosedGatesEventIds.ReviewExecuted],
            reviews.Select(static r => r.Id.Id));
        Assert.Equal("ana", reviews[0].GetStructuredStateValue("Reviewer"));
        Assert.Equal("treasury", reviews[0].GetStructuredStateValue("Role"));
        Assert.Equal(nameof(ReviewTicketState.Pending), reviews[0].GetStructuredStateValue("State"));
        Assert.Equal(nameof(ReviewTicketState.Approved), reviews[1].GetStructuredStateValue("State"));
        Assert.All(reviews, r => Assert.Equal(queued.Id, r.GetStructuredStateValue("TicketId")));
        Assert.All(reviews, static r => Assert.DoesNotContain("invoice", r.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RejectAsync_Rejected_LogsTheRejection()
    {
        await using GatesHost host = await StartAsync(ApprovalRule.Require(1, "treasury"));
        ReviewTicket queued = await QueueAsync(host);
        host.Logs.Clear();

        ReviewTicket rejected = await host.Executor.RejectAsync(queued.Id, "ana");

        Assert.Equal(ReviewTicketState.Rejected, rejected.State);
        FakeLogRecord record = Assert.Single(Reviews(host));
        Assert.Equal(FailClosedGatesEventIds.ReviewRejected, record.Id.Id);
        Assert.Equal(nameof(ReviewTicketState.Rejected), record.GetStructuredStateValue("State"));
    }

    [Fact]
    public async Task ExpireDueAsync_PastItsExpiry_LogsTheExpiry()
    {
        await using GatesHost host = await StartAsync(ApprovalRule.Require(1, "treasury").ExpiresAfter(TimeSpan.FromHours(1)));
        ReviewTicket queued = await QueueAsync(host);
        host.Logs.Clear();
        ((ManualTimeProvider)host.Services.GetRequiredService<TimeProvider>()).Advance(TimeSpan.FromHours(2));

        Assert.Equal(1, await host.Executor.ExpireDueAsync());

        FakeLogRecord record = Assert.Single(Reviews(host));
        Assert.Equal(FailClosedGatesEventIds.ReviewExpired, record.Id.Id);
        Assert.Equal(nameof(ReviewTicketState.Pending), record.GetStructuredStateValue("PreviousState"));
    }

    [Fact]
    public async Task ReviewPath_QueueTwoThenDecideBoth_PendingCounterRisesAndFalls()
    {
        await using GatesHost host = await StartAsync(ApprovalRule.Require(2, "treasury"));
        using var pending = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "FailClosed.Gates", "failclosed.gates.review.pending");
        using var transitions = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "FailClosed.Gates", "failclosed.gates.review.transitions");

        ReviewTicket first = await QueueAsync(host);
        ReviewTicket second = await QueueAsync(host);
        _ = await host.Executor.ApproveAsync(first.Id, "ana");
        _ = await host.Executor.ApproveAsync(first.Id, "ben");
        _ = await host.Executor.RejectAsync(second.Id, "ana");

        Assert.Equal([1L, 1L, -1L, -1L], pending.GetMeasurementSnapshot().Select(static m => m.Value));
        Assert.All(pending.GetMeasurementSnapshot(), static m => Assert.Equal(Action, m.Tags["failclosed.gates.action"]));
        IReadOnlyList<CollectedMeasurement<long>> changes = transitions.GetMeasurementSnapshot();
        Assert.Equal(
            [("approve", "pending"), ("approve", "approved"), ("reject", "rejected")],
            changes.Select(static m => ((string)m.Tags["failclosed.gates.review.transition"]!, (string)m.Tags["failclosed.gates.review.state"]!)));
    }

    [Fact]
    public async Task CheckHealthAsync_BacklogDecided_DegradedThenHealthy()
    {
        await using GatesHost host = await StartAsync(ApprovalRule.Require(1, "treasury"), threshold: 2);
        ReviewTicket first = await QueueAsync(host);
        _ = await QueueAsync(host);

        Assert.Equal(HealthStatus.Degraded, await host.HealthAsync());
        _ = await host.Executor.ApproveAsync(first.Id, "ana");

        Assert.Equal(HealthStatus.Healthy, await host.HealthAsync());
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(1L, report.Entries["failclosed-gates"].Data["pending_reviews"]);
    }

    [Fact]
    public async Task ApproveAsync_ObserverThrows_TheVoteStillCounts()
    {
        var queue = new InMemoryReviewQueue();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var sink = new InMemoryEvidenceSink();
        var executor = new EvidenceFirstExecutor(sink, new EvidenceFirstExecutorOptions
        {
            Catalog = ActionCatalog.CreateBuilder().ReviewWith(Action, ApprovalRule.Require(1, "treasury")).Build(),
            ReviewQueue = queue,
            ReviewerDirectory = new InMemoryReviewerDirectory().Grant("ana", "treasury"),
            TimeProvider = clock,
            Telemetry = new ThrowingTelemetry(),
        });
        GuardedResult<int> blocked = await executor.ExecuteAsync(Uncertain(), 42, static (_, _) => ValueTask.FromResult(1));

        ReviewTicket approved = await executor.ApproveAsync(blocked.ReviewTicket!.Id, "ana");

        Assert.Equal(ReviewTicketState.Approved, approved.State);
        Assert.Equal(ReviewTicketState.Approved, (await queue.FindAsync(approved.Id))!.State);
    }

    private static Task<GatesHost> StartAsync(ApprovalRule rule, int threshold = 100) =>
        GatesHost.StartAsync(
            options => options.Health.QueuedReviewThreshold = threshold,
            services =>
            {
                services.AddSingleton(ActionCatalog.CreateBuilder().ReviewWith(Action, rule).Build());
                services.AddSingleton<IReviewQueue>(new InMemoryReviewQueue());
                services.AddSingleton<IReviewerDirectory>(new InMemoryReviewerDirectory().Grant("ana", "treasury").Grant("ben", "treasury"));
            });

    private static GuardedAction<int> Uncertain() =>
        new(Action, Gate.From<int>("screening", static _ => GateDecision.Indeterminate("screening", GateCodes.Timeout, "No answer.")), static amount => "payment of " + amount) { Requester = static _ => "agent-7" };

    private static async Task<ReviewTicket> QueueAsync(GatesHost host)
    {
        GuardedResult<int> blocked = await host.Executor.ExecuteAsync(Uncertain(), 42, static (_, _) => ValueTask.FromResult(1));
        Assert.False(blocked.Executed);
        return blocked.ReviewTicket ?? throw new InvalidOperationException("The uncertain request was not queued for review.");
    }

    private static List<FakeLogRecord> Reviews(GatesHost host) =>
        [.. host.Logs.GetSnapshot().Where(static r => r.Id.Id is >= FailClosedGatesEventIds.ReviewApproved and <= FailClosedGatesEventIds.ReviewExecuted)];

    private sealed class ThrowingTelemetry : ExecutionTelemetry
    {
        public override void OnReviewTicketChanged(ReviewTicket ticket, ReviewTransitionKind change, ReviewTicketState previousState) =>
            throw new InvalidOperationException("The observer is broken.");
    }
}

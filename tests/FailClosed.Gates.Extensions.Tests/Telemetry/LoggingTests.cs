using FailClosed.Gates.Extensions.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FailClosed.Gates.Extensions.Tests.Telemetry;

public sealed class LoggingTests
{
    private const string Card = "4111111111111111";

    private static readonly DateTimeOffset ReviewBy = new(2027, 3, 31, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int, LogLevel> BlockCodes => new()
    {
        { GateCodes.Denied, FailClosedGatesEventIds.Denied, LogLevel.Information },
        { GateCodes.Fault, FailClosedGatesEventIds.GateFault, LogLevel.Error },
        { GateCodes.Timeout, FailClosedGatesEventIds.GateTimeout, LogLevel.Warning },
        { GateCodes.PolicyMissing, FailClosedGatesEventIds.PolicyMissing, LogLevel.Error },
        { GateCodes.PolicyDigestMismatch, FailClosedGatesEventIds.PolicyDigestMismatch, LogLevel.Error },
        { GateCodes.PolicySignatureInvalid, FailClosedGatesEventIds.PolicySignatureInvalid, LogLevel.Error },
        { GateCodes.PolicyInvalid, FailClosedGatesEventIds.PolicyInvalid, LogLevel.Error },
        { GateCodes.EvidenceUnavailable, FailClosedGatesEventIds.EvidenceUnavailable, LogLevel.Error },
        { GateCodes.EvidenceTampered, FailClosedGatesEventIds.EvidenceTampered, LogLevel.Critical },
        { GateCodes.IdentityMissing, FailClosedGatesEventIds.Blocked, LogLevel.Warning },
        { GateCodes.CacheStale, FailClosedGatesEventIds.Blocked, LogLevel.Warning },
    };

    [Theory]
    [MemberData(nameof(BlockCodes))]
    public async Task ExecuteAsync_Blocked_LogsTheEventOfItsCode(string code, int eventId, LogLevel level)
    {
        await using GatesHost host = await GatesHost.StartAsync();
        var thrown = new InvalidOperationException("boom");
        GateDecision decision = code == GateCodes.Denied
            ? GateDecision.Deny("limits", "Over the daily limit.")
            : GateDecision.Indeterminate("limits", code, "Could not tell.", code == GateCodes.Fault ? thrown : null);
        var action = new GuardedAction<Payment>("payments.send", Gate.From<Payment>("limits", _ => decision), static p => p.Describe());

        GuardedResult<int> result = await host.Executor.ExecuteAsync(action, new Payment(Card, 10), static (_, _) => ValueTask.FromResult(1));

        Assert.False(result.Executed);
        FakeLogRecord record = Assert.Single(Executor(host), r => r.Level >= LogLevel.Information);
        Assert.Equal(eventId, record.Id.Id);
        Assert.Equal(level, record.Level);
        Assert.Equal("payments.send", record.GetStructuredStateValue("Action"));
        Assert.Equal(result.ExecutionId, record.GetStructuredStateValue("ExecutionId"));
        Assert.Equal("card ending 1111", record.GetStructuredStateValue("Subject"));
        Assert.Same(code == GateCodes.Fault ? thrown : null, record.Exception);
    }

    [Fact]
    public async Task ExecuteAsync_StrictCatalogDoesNotListTheAction_LogsActionUnclassified()
    {
        await using GatesHost host = await GatesHost.StartAsync(o =>
        {
            o.Catalog.Strict = true;
            o.Catalog.Actions.Add(new GuardedActionOptions { Name = "reports.send" });
        });

        _ = await host.Executor.ExecuteAsync(Allowed("payments.send"), new Payment(Card, 1), static (_, _) => ValueTask.FromResult(1));

        Assert.Equal(FailClosedGatesEventIds.ActionUnclassified, Assert.Single(Executor(host)).Id.Id);
    }

    [Fact]
    public async Task ExecuteAsync_Canceled_LogsCanceled()
    {
        await using GatesHost host = await GatesHost.StartAsync();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        _ = await host.Executor.ExecuteAsync(Allowed("payments.send"), new Payment(Card, 1), static (_, _) => ValueTask.FromResult(1), canceled.Token);

        Assert.Equal(FailClosedGatesEventIds.Canceled, Assert.Single(Executor(host)).Id.Id);
    }

    [Fact]
    public async Task ExecuteAsync_FailOpenExemption_LogsFailOpenUsed()
    {
        await using GatesHost host = await GatesHost.StartAsync(o => o.Catalog.Actions.Add(
            new GuardedActionOptions { Name = "reports.send", FailOpen = true, Justification = "Advisory only.", ReviewBy = ReviewBy }));
        var action = new GuardedAction<Payment>(
            "reports.send",
            Gate.From<Payment>("screening", static _ => GateDecision.Indeterminate("screening", GateCodes.Timeout, "No answer.")),
            static p => p.Describe());

        GuardedResult<int> result = await host.Executor.ExecuteAsync(action, new Payment(Card, 1), static (_, _) => ValueTask.FromResult(1));

        Assert.True(result.Executed);
        FakeLogRecord record = Assert.Single(Executor(host));
        Assert.Equal(FailClosedGatesEventIds.FailOpenUsed, record.Id.Id);
        Assert.Equal(GateCodes.Timeout, record.GetStructuredStateValue("Code"));
    }

    [Fact]
    public async Task ExecuteAsync_JournalFaulted_LogsEvidenceUnavailableAndTheReviewTicket()
    {
        await using GatesHost host = await GatesHost.StartAsync(services: s => s.AddSingleton<IReviewQueue>(new InMemoryReviewQueue()));
        await host.FaultJournalAsync();
        host.Logs.Clear();

        GuardedResult<int> result = await host.Executor.ExecuteAsync(Allowed("payments.send"), new Payment(Card, 1), static (_, _) => ValueTask.FromResult(1));

        Assert.NotNull(result.ReviewTicket);
        Assert.Equal(
            [FailClosedGatesEventIds.EvidenceUnavailable, FailClosedGatesEventIds.ReviewEnqueued],
            Executor(host).Select(r => r.Id.Id));
        Assert.Equal(result.ReviewTicket.Id, Executor(host)[1].GetStructuredStateValue("TicketId"));
    }

    [Fact]
    public async Task ExecuteAsync_OutcomeWriteFails_LogsOutcomeUnrecorded()
    {
        await using GatesHost host = await GatesHost.StartAsync();
        host.Anchor.Unreachable = true; // the Intent record commits, then its checkpoint faults the journal

        GuardedResult<int> result = await host.Executor.ExecuteAsync(Allowed("payments.send"), new Payment(Card, 1), static (_, _) => ValueTask.FromResult(1));

        Assert.True(result.Executed);
        Assert.Equal(FailClosedGatesEventIds.OutcomeUnrecorded, Assert.Single(Executor(host)).Id.Id);
    }

    [Fact]
    public async Task ExecuteAsync_EveryPath_LogsNoSecretFromTheContext()
    {
        await using GatesHost host = await GatesHost.StartAsync();
        var denied = new GuardedAction<Payment>("payments.send", Gate.Require<Payment>("limits", static p => p.Amount < 100), static p => p.Describe());
        var faulty = new GuardedAction<Payment>("payments.refund", Gate.Require<Payment>("refunds", static _ => throw new InvalidOperationException("no")), static p => p.Describe());

        _ = await host.Executor.ExecuteAsync(denied, new Payment(Card, 500), static (_, _) => ValueTask.FromResult(1));
        _ = await host.Executor.ExecuteAsync(faulty, new Payment(Card, 5), static (_, _) => ValueTask.FromResult(1));
        _ = await host.Executor.ExecuteAsync(denied, new Payment(Card, 5), static (p, _) => ValueTask.FromResult(p.Card.Length));

        Assert.Equal(2, Executor(host).Count);
        foreach (FakeLogRecord record in host.Logs.GetSnapshot())
        {
            Assert.DoesNotContain(Card, record.Message, StringComparison.Ordinal);
            foreach (KeyValuePair<string, string?> pair in record.StructuredState ?? [])
            {
                Assert.DoesNotContain(Card, pair.Value ?? string.Empty, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task ExecuteAsync_LevelOff_LogsNothing()
    {
        await using GatesHost host = await GatesHost.StartAsync(services: s => s.AddLogging(l => l.AddFilter("FailClosed.Gates.Executor", LogLevel.Warning)));
        var denied = new GuardedAction<Payment>("payments.send", Gate.Deny<Payment>("limits"), static p => p.Describe());

        _ = await host.Executor.ExecuteAsync(denied, new Payment(Card, 5), static (_, _) => ValueTask.FromResult(1));

        Assert.Empty(Executor(host));
    }

    private static GuardedAction<Payment> Allowed(string name) => new(name, Gate.Allow<Payment>("allow"), static p => p.Describe());

    private static IReadOnlyList<FakeLogRecord> Executor(GatesHost host) =>
        [.. host.Logs.GetSnapshot().Where(static r => r.Category == "FailClosed.Gates.Executor")];

    private sealed record Payment(string Card, decimal Amount)
    {
        public string Describe() => "card ending " + Card[^4..];
    }
}

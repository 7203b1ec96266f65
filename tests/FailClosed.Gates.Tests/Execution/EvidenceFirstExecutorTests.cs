using System.Diagnostics;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Execution;

public sealed class EvidenceFirstExecutorTests
{
    private static readonly PolicyPin ApprovalPin = new("approval", "3", new string('a', 64));
    private static readonly PolicyPin LimitsPin = new("limits", "7", new string('b', 64));

    private readonly ExecutorFixture _f = new();

    [Fact]
    public async Task ExecuteAsync_Allowed_WritesIntentBeforeSideEffectAndOutcomeAfter()
    {
        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.True(result.Executed);
        Assert.Equal(42, result.Value);
        Assert.Equal(1, _f.Probe.Runs);
        EvidenceRecord intentAtStart = Assert.Single(_f.Probe.StoredAtStart!);
        Assert.Equal(EvidenceKind.Intent, intentAtStart.Kind);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], _f.Sink.Records.Select(static r => r.Kind));
        Assert.Equal(0, result.EvidenceReceipt!.Value.Sequence);
        Assert.Equal(1, result.OutcomeReceipt!.Value.Sequence);
        Assert.False(result.IsOutcomeUnrecorded);
        Assert.False(result.IsFailOpen);
        Assert.Equal(GateCodes.Allowed, result.Decision.Code);
    }

    [Fact]
    public async Task ExecuteAsync_Allowed_RecordsCarryActionSubjectGateCodeAndOneExecutionId()
    {
        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.All(_f.Sink.Records, record =>
        {
            Assert.Equal("invoice.approve", record.Action);
            Assert.Equal("invoice INV-21", record.Subject);
            Assert.Equal("ok", record.Gate);
            Assert.Equal(GateCodes.Allowed, record.Code);
            Assert.Equal(Verdict.Allow, record.Verdict);
            Assert.Equal(result.ExecutionId, record.ExecutionId);
            Assert.Null(record.TraceId);
            Assert.Equal(_f.Clock.GetUtcNow(), record.Timestamp);
        });
        Assert.Null(_f.Sink.Records[0].Detail);
        Assert.Equal("Completed", _f.Sink.Records[1].Detail);
    }

    [Fact]
    public async Task ExecuteAsync_UnderActivity_CarriesItsTraceIdBesideTheExecutionId()
    {
        using var activity = new Activity("test");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.Start();

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.Equal(activity.TraceId.ToHexString(), result.TraceId);
        Assert.NotEqual(result.TraceId, result.ExecutionId);
        Assert.All(_f.Sink.Records, record =>
        {
            Assert.Equal(activity.TraceId.ToHexString(), record.TraceId);
            Assert.Equal(result.ExecutionId, record.ExecutionId);
        });
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentExecutionsInOneTrace_HaveDistinctExecutionIds()
    {
        using var activity = new Activity("test");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.Start();
        var sink = new InMemoryEvidenceSink();
        var executor = new EvidenceFirstExecutor(sink);
        GuardedAction<int> action = ExecutorFixture.Action(Gate.Allow<int>("ok"));

        GuardedResult<int>[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(
            i => Task.Run(async () => await executor.ExecuteAsync(action, i, static (c, _) => ValueTask.FromResult(c)))));

        Assert.Equal(16, results.Select(static r => r.ExecutionId).Distinct().Count());
        Assert.All(results, r => Assert.Equal(activity.TraceId.ToHexString(), r.TraceId));
        foreach (IGrouping<string, EvidenceRecord> execution in sink.GetRecords().GroupBy(static r => r.ExecutionId))
        {
            // Intent then Outcome of one execution, never records of two executions under one id.
            Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], execution.Select(static r => r.Kind));
        }
    }

    [Fact]
    public async Task ExecuteAsync_ExecutionId_IsAUuidV7StampedByTheExecutorsClock()
    {
        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Guid id = Guid.Parse(result.ExecutionId);
        Assert.Equal(7, id.Version);
        Assert.Equal(result.ExecutionId, id.ToString());
        byte[] bytes = id.ToByteArray(bigEndian: true);
        long unixMs = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
        Assert.Equal(_f.Clock.GetUtcNow().ToUnixTimeMilliseconds(), unixMs);
    }

    [Fact]
    public async Task ExecuteAsync_WithoutActivity_UsesADistinctExecutionIdAndNoTraceId()
    {
        Assert.Null(Activity.Current);
        EvidenceFirstExecutor executor = _f.Create();
        GuardedAction<int> action = ExecutorFixture.Action(Gate.Allow<int>("ok"));

        GuardedResult<int> first = await _f.RunAsync(executor, action);
        GuardedResult<int> second = await _f.RunAsync(executor, action);

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", first.ExecutionId);
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
        Assert.Null(first.TraceId);
    }

    [Fact]
    public async Task ExecuteAsync_GateWithPins_RecordsThePinsThatDecided()
    {
        var pinned = new PinnedAllowGate("pinned", [ApprovalPin]);

        _ = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(pinned));

        Assert.All(_f.Sink.Records, record => Assert.Equal([ApprovalPin], record.Pins));
    }

    [Fact]
    public async Task ExecuteAsync_DecisionPinNotAmongGatePins_IsRecordedToo()
    {
        var pinned = new PinnedAllowGate("pinned", [ApprovalPin], decisionPin: LimitsPin);

        _ = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(pinned));

        Assert.All(_f.Sink.Records, record => Assert.Equal([ApprovalPin, LimitsPin], record.Pins));
    }

    [Fact]
    public async Task ExecuteAsync_DecisionPinAmongGatePins_IsNotDuplicated()
    {
        var pinned = new PinnedAllowGate("pinned", [ApprovalPin], decisionPin: ApprovalPin);

        _ = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(pinned));

        Assert.All(_f.Sink.Records, record => Assert.Equal([ApprovalPin], record.Pins));
    }

    [Fact]
    public async Task ExecuteAsync_Denied_DoesNotRunAndWritesADecisionRecord()
    {
        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Deny<int>("limit", "over limit")));

        Assert.False(result.Executed);
        Assert.True(result.IsBlocked);
        Assert.Equal(0, _f.Probe.Runs);
        Assert.Equal(GateCodes.Denied, result.Decision.Code);
        EvidenceRecord record = Assert.Single(_f.Sink.Records);
        Assert.Equal(EvidenceKind.Decision, record.Kind);
        Assert.Equal(Verdict.Deny, record.Verdict);
        Assert.Equal(GateCodes.Denied, record.Code);
        Assert.Equal("limit", record.Gate);
        Assert.Equal("over limit", record.Detail);
        Assert.Equal(record.Sequence, result.EvidenceReceipt!.Value.Sequence);
        Assert.Null(result.OutcomeReceipt);
        Assert.False(result.IsOutcomeUnrecorded);
    }

    [Theory]
    [InlineData(SinkBehavior.Throw)]
    [InlineData(SinkBehavior.Fault)]
    [InlineData(SinkBehavior.Hang)]
    [InlineData(SinkBehavior.HangIgnoringToken)]
    public async Task ExecuteAsync_DeniedAndDecisionRecordFails_BlockStands(SinkBehavior behavior)
    {
        _f.Sink.Always(behavior);

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Deny<int>("limit")));

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.Denied, result.Decision.Code);
        Assert.Null(result.EvidenceReceipt);
        Assert.Equal(0, _f.Probe.Runs);
        Assert.Empty(_f.Sink.Records);
    }

    [Fact]
    public async Task ExecuteAsync_GateThrows_BlocksWithFault()
    {
        Gate<int> throwing = Gate.Require<int>("flaky", static _ => throw new InvalidOperationException("boom"));

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(throwing));

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.Fault, result.Decision.Code);
        Assert.Equal(0, _f.Probe.Runs);
        Assert.Equal(GateCodes.Fault, Assert.Single(_f.Sink.Records).Code);
    }

    [Theory]
    [InlineData(SinkBehavior.Throw)]
    [InlineData(SinkBehavior.Fault)]
    [InlineData(SinkBehavior.Hang)]
    [InlineData(SinkBehavior.HangIgnoringToken)]
    public async Task ExecuteAsync_IntentWriteFails_DoesNotRunAndReturnsEvidenceUnavailable(SinkBehavior behavior)
    {
        _f.Sink.For(EvidenceKind.Intent, behavior);

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.False(result.Executed);
        Assert.Equal(0, _f.Probe.Runs);
        Assert.Equal(Verdict.Indeterminate, result.Decision.Verdict);
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        Assert.Equal(EvidenceFirstExecutor.GateName, result.Decision.Gate);
        Assert.Null(result.ReviewTicket);
        EvidenceRecord decision = Assert.Single(_f.Sink.Records);
        Assert.Equal(EvidenceKind.Decision, decision.Kind);
        Assert.Equal(GateCodes.EvidenceUnavailable, decision.Code);
    }

    [Fact]
    public async Task ExecuteAsync_IntentWriteThrows_KeepsTheExceptionMessageOutOfEvidence()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Throw);

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.Contains("System.IO.IOException", result.Decision.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", result.Decision.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("4111", Assert.Single(_f.Sink.Records).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_IntentWriteHangs_CancelsTheSinkTokenAtTheDeadline()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Hang);
        DateTimeOffset start = _f.Clock.GetUtcNow();

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        Assert.True(_f.Sink.Tokens[0].IsCancellationRequested);
        Assert.Equal(start + ExecutorFixture.Timeout, _f.Clock.GetUtcNow());
        Assert.Contains("00:00:05", result.Decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_IntentAcknowledgedAfterTheDeadline_CountsAsOutage()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Slow);
        _f.Sink.SlowBy = ExecutorFixture.Timeout + TimeSpan.FromTicks(1);

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.False(result.Executed);
        Assert.Equal(0, _f.Probe.Runs);
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
    }

    [Fact]
    public async Task ExecuteAsync_IntentAcknowledgedJustBeforeTheDeadline_Runs()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Slow);
        _f.Sink.SlowBy = ExecutorFixture.Timeout - TimeSpan.FromTicks(1);

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.True(result.Executed);
        Assert.Equal(1, _f.Probe.Runs);
    }

    [Fact]
    public async Task ExecuteAsync_SinkSlowThenPending_GetsOnlyWhatIsLeftOfTheBudget()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.SlowThenHang);
        _f.Sink.SlowBy = TimeSpan.FromSeconds(3);

        Task<GuardedResult<int>> pending = _f.Create().ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")), 21, _f.Probe, static (c, p, ct) => p.RunAsync(c, ct)).AsTask();
        await _f.Sink.Hangs.WaitAsync();
        while (_f.Clock.ArmedTimers == 0)
        {
            await Task.Yield();
        }

        _f.Clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        bool completedEarly = pending.IsCompleted;
        _f.Clock.Advance(TimeSpan.FromTicks(1));
        GuardedResult<int> result = await pending;

        Assert.False(completedEarly);
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        Assert.Equal(0, _f.Probe.Runs);
    }

    [Fact]
    public async Task ExecuteAsync_WithTheInMemorySink_WritesAChainedIntentAndOutcome()
    {
        var sink = new InMemoryEvidenceSink();
        var executor = new EvidenceFirstExecutor(sink, new EvidenceFirstExecutorOptions { TimeProvider = _f.Clock });

        GuardedResult<int> result = await executor.ExecuteAsync(ExecutorFixture.Action(Gate.Allow<int>("ok")), 21, static (c, _) => new ValueTask<int>(c));

        EvidenceRecord[] records = sink.GetRecords();
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], records.Select(static r => r.Kind));
        Assert.Equal(records[0].Hash, records[1].PreviousHash);
        Assert.Equal(records[0].Hash, result.EvidenceReceipt!.Value.LeafHash);
        Assert.Equal(records[1].Hash, result.OutcomeReceipt!.Value.LeafHash);
    }

    [Fact]
    public async Task ExecuteAsync_AsynchronousSink_Runs()
    {
        _f.Sink.Always(SinkBehavior.Yielding);

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.True(result.Executed);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], _f.Sink.Records.Select(static r => r.Kind));
    }

    [Fact]
    public async Task ExecuteAsync_IntentWriteFailsWithReviewQueue_QueuesAndRecordsEscalation()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Throw);
        var queue = new InMemoryReviewQueue();

        GuardedResult<int> result = await _f.RunAsync(_f.Create(reviewQueue: queue), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        ReviewTicket ticket = Assert.Single(queue.Tickets);
        Assert.Same(ticket, result.ReviewTicket);
        Assert.Equal("invoice.approve", ticket.Action);
        Assert.Equal("invoice INV-21", ticket.Subject);
        Assert.Equal(result.ExecutionId, ticket.ExecutionId);
        Assert.Equal(GateCodes.EvidenceUnavailable, ticket.Decision.Code);
        Assert.Equal(ReviewTicketState.Pending, ticket.State);
        Assert.Equal(_f.Clock.GetUtcNow() + ApprovalRule.DefaultTimeToLive, ticket.ExpiresAt);
        EvidenceRecord escalation = Assert.Single(_f.Sink.Records);
        Assert.Equal(EvidenceKind.Escalation, escalation.Kind);
        Assert.Contains(ticket.Id, escalation.Detail, StringComparison.Ordinal);
        Assert.Equal(escalation.Sequence, result.EvidenceReceipt!.Value.Sequence);
    }

    [Fact]
    public async Task ExecuteAsync_IntentWriteFailsAndReviewQueueThrows_StaysBlockedWithEvidenceUnavailable()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Throw);

        GuardedResult<int> result = await _f.RunAsync(_f.Create(reviewQueue: new ThrowingReviewQueue()), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.False(result.Executed);
        Assert.Equal(0, _f.Probe.Runs);
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        Assert.Null(result.ReviewTicket);
        Assert.Equal([EvidenceKind.Escalation, EvidenceKind.Decision], _f.Sink.Records.Select(static r => r.Kind));
    }

    [Fact]
    public async Task ExecuteAsync_IntentWriteFailsAndReviewQueueHangs_GivesUpAtTheDeadlineWithoutATicket()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Throw);
        var queue = new HangingReviewQueue();

        Task<GuardedResult<int>> pending = _f.Create(reviewQueue: queue).ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")), 21, _f.Probe, static (c, p, ct) => p.RunAsync(c, ct)).AsTask();
        await queue.Entered.WaitAsync();
        while (_f.Clock.ArmedTimers == 0)
        {
            await Task.Yield();
        }

        _f.Clock.Advance(ExecutorFixture.Timeout);
        GuardedResult<int> result = await pending;

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        Assert.Null(result.ReviewTicket);
        Assert.True(queue.Token.IsCancellationRequested);
        Assert.Equal([EvidenceKind.Escalation, EvidenceKind.Decision], _f.Sink.Records.Select(static r => r.Kind));
    }

    [Fact]
    public async Task ExecuteAsync_Allowed_DoesNotQueueForReview()
    {
        var queue = new InMemoryReviewQueue();

        _ = await _f.RunAsync(_f.Create(reviewQueue: queue), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.Empty(queue.Tickets);
    }

    [Fact]
    public async Task ExecuteAsync_SideEffectThrows_RecordsTheExceptionTypeAndRethrowsTheOriginal()
    {
        EvidenceFirstExecutor executor = _f.Create();
        GuardedAction<int> action = ExecutorFixture.Action(Gate.Allow<int>("ok"));

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => _ = await executor.ExecuteAsync(action, 21, static (_, _) => ThrowingSideEffectAsync()));

        Assert.Equal(ScriptedEvidenceSink.SecretMessage, thrown.Message);
        Assert.Contains(nameof(ThrowingSideEffectAsync), thrown.StackTrace, StringComparison.Ordinal);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], _f.Sink.Records.Select(static r => r.Kind));
        EvidenceRecord outcome = _f.Sink.Records[1];
        Assert.Equal("Threw System.InvalidOperationException", outcome.Detail);
        Assert.DoesNotContain("4111", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_SideEffectThrowsSynchronously_IsRecordedAndRethrown()
    {
        EvidenceFirstExecutor executor = _f.Create();
        var boom = new FormatException("bad");

        FormatException thrown = await Assert.ThrowsAsync<FormatException>(
            async () => _ = await executor.ExecuteAsync<int, FormatException, int>(ExecutorFixture.Action(Gate.Allow<int>("ok")), 1, boom, static (_, e, _) => throw e));

        Assert.Same(boom, thrown);
        Assert.Equal("Threw System.FormatException", _f.Sink.Records[1].Detail);
    }

    [Theory]
    [InlineData(SinkBehavior.Throw)]
    [InlineData(SinkBehavior.Hang)]
    [InlineData(SinkBehavior.HangIgnoringToken)]
    public async Task ExecuteAsync_OutcomeWriteFails_ResultSaysUnrecordedAndIsCounted(SinkBehavior behavior)
    {
        using var counter = new CounterListener("failclosed.gates.executor.outcome_unrecorded");
        string name = "unrecorded-" + behavior.ToString();
        _f.Sink.For(EvidenceKind.Outcome, behavior);

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok"), name));

        Assert.True(result.Executed);
        Assert.Equal(42, result.Value);
        Assert.Equal(1, _f.Probe.Runs);
        Assert.True(result.IsOutcomeUnrecorded);
        Assert.NotNull(result.EvidenceReceipt);
        Assert.Null(result.OutcomeReceipt);
        Assert.Equal(EvidenceKind.Intent, Assert.Single(_f.Sink.Records).Kind);
        Assert.Equal(1, counter.Total(name));
    }

    [Fact]
    public async Task ExecuteAsync_SubjectDescriberThrows_BlocksWithFaultWithoutEvaluatingTheGate()
    {
        int evaluations = 0;
        Gate<int> counting = Gate.Require<int>("counting", _ => ++evaluations > 0);
        var action = new GuardedAction<int>("invoice.approve", counting, static _ => throw new InvalidOperationException("secret"));

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), action);

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.Fault, result.Decision.Code);
        Assert.Equal(0, evaluations);
        Assert.Equal(0, _f.Probe.Runs);
        EvidenceRecord record = Assert.Single(_f.Sink.Records);
        Assert.Null(record.Subject);
        Assert.DoesNotContain("secret", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_StrictCatalogWithoutTheAction_DeniesWithActionUnclassifiedWithoutEvaluatingTheGate()
    {
        int evaluations = 0;
        Gate<int> counting = Gate.Require<int>("counting", _ => ++evaluations > 0);
        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("invoice.create-draft").Strict().Build();

        GuardedResult<int> result = await _f.RunAsync(_f.Create(catalog), ExecutorFixture.Action(counting, "invoice.approve"));

        Assert.False(result.Executed);
        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        Assert.Equal(GateCodes.ActionUnclassified, result.Decision.Code);
        Assert.Equal(ActionCatalog.GateName, result.Decision.Gate);
        Assert.Equal(0, evaluations);
        EvidenceRecord record = Assert.Single(_f.Sink.Records);
        Assert.Equal(GateCodes.ActionUnclassified, record.Code);
        Assert.Equal("invoice INV-21", record.Subject);
    }

    [Fact]
    public async Task ExecuteAsync_StrictCatalogWithTheAction_Runs()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("invoice.approve").Strict().Build();

        GuardedResult<int> result = await _f.RunAsync(_f.Create(catalog), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.True(result.Executed);
    }

    [Fact]
    public async Task ExecuteAsync_LenientCatalogWithoutTheAction_Runs()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("invoice.create-draft").Build();

        GuardedResult<int> result = await _f.RunAsync(_f.Create(catalog), ExecutorFixture.Action(Gate.Allow<int>("ok")));

        Assert.True(result.Executed);
    }

    [Fact]
    public async Task ExecuteAsync_ManySequentialExecutions_ReuseTheirDeadlineTimers()
    {
        EvidenceFirstExecutor executor = _f.Create();
        GuardedAction<int> action = ExecutorFixture.Action(Gate.Allow<int>("ok"));

        for (int i = 0; i < 50; i++)
        {
            _ = await _f.RunAsync(executor, action);
        }

        Assert.Equal(100, _f.Sink.Records.Count);
        Assert.Equal(1, _f.Clock.TimersCreated);
    }

    [Fact]
    public async Task ExecuteAsync_TimedOutWrite_DoesNotPoisonTheNextExecution()
    {
        EvidenceFirstExecutor executor = _f.Create();
        GuardedAction<int> action = ExecutorFixture.Action(Gate.Allow<int>("ok"));
        _f.Sink.Always(SinkBehavior.Hang);
        _ = await _f.RunAsync(executor, action);
        _f.Sink.Always(SinkBehavior.Ok);

        GuardedResult<int> result = await _f.RunAsync(executor, action);

        Assert.True(result.Executed);
    }

    [Fact]
    public void Constructor_NullSink_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new EvidenceFirstExecutor(null!));
    }

    [Fact]
    public void Constructor_Defaults_AreFiveSecondsAndTheEmptyCatalog()
    {
        var executor = new EvidenceFirstExecutor(new ScriptedEvidenceSink());

        Assert.Equal(TimeSpan.FromSeconds(5), executor.EvidenceWriteTimeout);
        Assert.Same(ActionCatalog.Empty, executor.Catalog);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3601)]
    public void Constructor_EvidenceWriteTimeoutOutOfRange_Throws(int seconds)
    {
        var options = new EvidenceFirstExecutorOptions { EvidenceWriteTimeout = TimeSpan.FromSeconds(seconds) };

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new EvidenceFirstExecutor(new ScriptedEvidenceSink(), options));

        Assert.Contains("must be positive", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InfiniteEvidenceWriteTimeout_Throws()
    {
        var options = new EvidenceFirstExecutorOptions { EvidenceWriteTimeout = Timeout.InfiniteTimeSpan };

        Assert.Throws<ArgumentOutOfRangeException>(() => new EvidenceFirstExecutor(new ScriptedEvidenceSink(), options));
    }

    [Fact]
    public void Constructor_NullCatalog_Throws()
    {
        var options = new EvidenceFirstExecutorOptions { Catalog = null! };

        Assert.Throws<ArgumentNullException>(() => new EvidenceFirstExecutor(new ScriptedEvidenceSink(), options));
    }

    [Fact]
    public async Task ExecuteAsync_NullArguments_Throw()
    {
        EvidenceFirstExecutor executor = _f.Create();
        GuardedAction<int> action = ExecutorFixture.Action(Gate.Allow<int>("ok"));

        await Assert.ThrowsAsync<ArgumentNullException>(async () => _ = await executor.ExecuteAsync<int, int>(null!, 1, static (_, _) => default));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => _ = await executor.ExecuteAsync(action, 1, (Func<int, CancellationToken, ValueTask<int>>)null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => _ = await executor.ExecuteAsync(action, 1, (Func<int, CancellationToken, ValueTask>)null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await executor.ExecuteOrThrowAsync(action, 1, 2, (Func<int, int, CancellationToken, ValueTask>)null!));
    }

    private static async ValueTask<int> ThrowingSideEffectAsync()
    {
        await Task.Yield();
        throw new InvalidOperationException(ScriptedEvidenceSink.SecretMessage);
    }

    private sealed class PinnedAllowGate(string name, PolicyPin[] pins, PolicyPin? decisionPin = null) : Gate<int>(name)
    {
        public override IReadOnlyList<PolicyPin> Pins => pins;

        protected override ValueTask<GateDecision> EvaluateCoreAsync(int context, CancellationToken cancellationToken)
        {
            GateDecision allow = GateDecision.Allow(Name);
            return new ValueTask<GateDecision>(decisionPin is { } pin ? allow.WithPin(pin) : allow);
        }
    }

    private sealed class HangingReviewQueue : IReviewQueue
    {
        public SemaphoreSlim Entered { get; } = new(0);

        public CancellationToken Token { get; private set; }

        public ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default)
        {
            Token = cancellationToken;
            var hang = new TaskCompletionSource<ReviewTicket>(TaskCreationOptions.RunContinuationsAsynchronously);
            cancellationToken.Register(static state => ((TaskCompletionSource<ReviewTicket>)state!).TrySetCanceled(), hang);
            Entered.Release();
            return new ValueTask<ReviewTicket>(hang.Task);
        }

        public ValueTask<ReviewTicket?> FindAsync(string ticketId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<ReviewTicket>> ListAsync(ReviewTicketFilter filter, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<ReviewTicket> ApplyAsync(ReviewTransition transition, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class ThrowingReviewQueue : IReviewQueue
    {
        public ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The queue is down.");

        public ValueTask<ReviewTicket?> FindAsync(string ticketId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<ReviewTicket>> ListAsync(ReviewTicketFilter filter, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<ReviewTicket> ApplyAsync(ReviewTransition transition, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}

using System.ComponentModel.DataAnnotations;
using FailClosed.Gates.Polly.Tests.TestUtilities;

namespace FailClosed.Gates.Polly.Tests;

public sealed class GateResilienceStrategyTests
{
    private static readonly Transfer Small = new("T-1", 100m);
    private static readonly Transfer Large = new("T-2", 5_000m);

    [Fact]
    public async Task AddGate_Allowed_ReachesCallbackOnceAfterTheIntentRecord()
    {
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(harness.LimitGate())).Build();
        EvidenceKind[]? seenByCallback = null;

        Outcome<string> outcome = await harness.RunAsync(pipeline, Small, (_, _) =>
        {
            seenByCallback = [.. harness.Kinds];
            return ValueTask.FromResult("sent");
        });

        Assert.Equal("sent", outcome.Result);
        Assert.Null(outcome.Exception);
        Assert.Equal(1, harness.Calls);
        Assert.Equal([EvidenceKind.Intent], seenByCallback);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], harness.Kinds);
        Assert.All(harness.Sink.Records, static r => Assert.Equal(GateHarness.ActionName, r.Action));
        Assert.Equal("transfer T-1", harness.Sink.Records[0].Subject);
    }

    [Fact]
    public async Task AddGate_Denied_EndsWithAnOutcomeCarryingGateBlockedExceptionAndNeverReachesTheCallback()
    {
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(harness.LimitGate())).Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Large);

        GateBlockedException blocked = Assert.IsType<GateBlockedException>(outcome.Exception);
        Assert.Equal(GateCodes.Denied, blocked.Code);
        Assert.Equal(Verdict.Deny, blocked.Decision.Verdict);
        Assert.Equal("under-limit", blocked.Decision.Gate);
        Assert.Equal(GateHarness.ActionName, blocked.Action);
        Assert.Equal(0, harness.Calls);
        EvidenceRecord decision = Assert.Single(harness.Sink.Records);
        Assert.Equal(EvidenceKind.Decision, decision.Kind);
        Assert.Equal(decision.ExecutionId, blocked.ExecutionId);
        Assert.Equal(decision.TraceId, blocked.TraceId);
    }

    [Fact]
    public async Task ExecuteAsync_Denied_ThrowsGateBlockedExceptionToTheCaller()
    {
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(harness.LimitGate())).Build();
        ResilienceContext context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(GateHarness.TransferKey, Large);
        bool reached = false;

        GateBlockedException blocked = await Assert.ThrowsAsync<GateBlockedException>(async () =>
            await pipeline.ExecuteAsync(_ =>
            {
                reached = true;
                return ValueTask.FromResult(1);
            }, context));

        Assert.Equal(GateCodes.Denied, blocked.Code);
        Assert.False(reached);
    }

    [Fact]
    public async Task AddGate_CallbackReturnsAFailedOutcome_RecordsTheFailureAndReturnsTheSameException()
    {
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(harness.LimitGate())).Build();
        var failure = new TransientException();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Small, (_, _) => throw failure);

        Assert.Same(failure, outcome.Exception);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], harness.Kinds);
        Assert.Equal("Threw " + typeof(TransientException).FullName, harness.Sink.Records[1].Detail);
    }

    [Fact]
    public async Task AddGate_CallbackThrows_RecordsTheFailureAndReturnsItAsAnOutcome()
    {
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(harness.LimitGate())).Build();
        ResilienceContext context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(GateHarness.TransferKey, Small);

        Outcome<int> outcome = await pipeline.ExecuteOutcomeAsync<int, int>(
            static (_, _) => throw new TransientException("thrown, not returned"),
            context,
            0);

        Assert.IsType<TransientException>(outcome.Exception);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], harness.Kinds);
        Assert.Equal("Threw " + typeof(TransientException).FullName, harness.Sink.Records[1].Detail);
    }

    [Fact]
    public async Task AddGate_ContextFactoryThrows_BlocksWithFaultAndNeverReachesTheCallback()
    {
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(harness.LimitGate())).Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, transfer: null);

        GateBlockedException blocked = Assert.IsType<GateBlockedException>(outcome.Exception);
        Assert.Equal(GateCodes.Fault, blocked.Code);
        Assert.Equal(Verdict.Indeterminate, blocked.Decision.Verdict);
        Assert.Equal("polly-context", blocked.Decision.Gate);
        Assert.Equal(0, harness.Calls);
        Assert.Equal(0, harness.Evaluations);
        EvidenceRecord decision = Assert.Single(harness.Sink.Records);
        Assert.Equal(GateHarness.ActionName, decision.Action);
        Assert.Equal(GateCodes.Fault, decision.Code);
    }

    [Fact]
    public async Task AddGate_ActionMissingFromAStrictCatalog_BlocksWithActionUnclassified()
    {
        var harness = new GateHarness(new ActionCatalogBuilder().AddClosed("something.else").Strict().Build());
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(harness.LimitGate())).Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Small);

        Assert.Equal(GateCodes.ActionUnclassified, Assert.IsType<GateBlockedException>(outcome.Exception).Code);
        Assert.Equal(0, harness.Evaluations);
        Assert.Equal(0, harness.Calls);
    }

    [Fact]
    public async Task AddGate_EvidenceOutageWithAReviewQueue_BlocksWithEvidenceUnavailableAndTheTicket()
    {
        var queue = new InMemoryReviewQueue();
        var harness = new GateHarness(reviewQueue: queue);
        harness.Sink.Failing = true;
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(harness.LimitGate())).Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Small);

        GateBlockedException blocked = Assert.IsType<GateBlockedException>(outcome.Exception);
        Assert.Equal(GateCodes.EvidenceUnavailable, blocked.Code);
        Assert.Equal(Assert.Single(queue.Tickets).Id, blocked.ReviewTicket?.Id);
        Assert.Equal(0, harness.Calls);
    }

    [Fact]
    public async Task AddGate_CanceledWhileTheGateDecides_BlocksWithCanceled()
    {
        var harness = new GateHarness();
        using var cancellation = new CancellationTokenSource();
        Gate<Transfer> cancelingGate = Gate.From<Transfer>("cancels", _ =>
        {
            cancellation.Cancel();
            return GateDecision.Allow("cancels");
        });
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(harness.Options(cancelingGate)).Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Small, cancellationToken: cancellation.Token);

        Assert.Equal(GateCodes.Canceled, Assert.IsType<GateBlockedException>(outcome.Exception).Code);
        Assert.Equal(0, harness.Calls);
    }

    [Fact]
    public async Task AddGate_Blocked_InvokesOnBlockedWithTheContextAndTheException()
    {
        var harness = new GateHarness();
        GateStrategyOptions<Transfer> options = harness.Options(harness.LimitGate());
        var seen = new List<OnGateBlockedArguments>();
        Transfer? judged = null;
        options.OnBlocked = args =>
        {
            seen.Add(args);
            judged = args.Context.Properties.GetValue(GateHarness.TransferKey, null!);
            return ValueTask.CompletedTask;
        };
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(options).Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Large);

        OnGateBlockedArguments args = Assert.Single(seen);
        Assert.Same(outcome.Exception, args.Exception);
        Assert.Equal(GateCodes.Denied, args.Decision.Code);
        Assert.Same(Large, judged);
    }

    [Fact]
    public async Task AddGate_OnBlockedThrows_ThePipelineFailsAndTheCallbackIsStillNeverReached()
    {
        var harness = new GateHarness();
        GateStrategyOptions<Transfer> options = harness.Options(harness.LimitGate());
        options.OnBlocked = static _ => throw new InvalidOperationException("notification bug");
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddGate(options).Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync(pipeline, Large));

        Assert.Equal(0, harness.Calls);
        Assert.Equal([EvidenceKind.Decision], harness.Kinds);
    }

    [Fact]
    public async Task AddGate_Blocked_ReportsOnGateBlockedThroughPollyTelemetry()
    {
        var harness = new GateHarness();
        var listener = new RecordingTelemetryListener();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TelemetryListener = listener }
            .AddGate(harness.Options(harness.LimitGate()))
            .Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Large);

        RecordedEvent blocked = Assert.Single(listener.Events, static e => e.Name == "OnGateBlocked");
        Assert.Equal(ResilienceEventSeverity.Error, blocked.Severity);
        Assert.Equal("Gate", blocked.StrategyName);
        Assert.Same(outcome.Exception, blocked.Exception);
        OnGateBlockedArguments args = Assert.IsType<OnGateBlockedArguments>(blocked.Arguments);
        Assert.Equal(GateCodes.Denied, args.Decision.Code);
    }

    [Fact]
    public async Task AddGate_Allowed_ReportsNoGateEvent()
    {
        var harness = new GateHarness();
        var listener = new RecordingTelemetryListener();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TelemetryListener = listener }
            .AddGate(harness.Options(harness.LimitGate()))
            .Build();

        await harness.RunAsync(pipeline, Small);

        Assert.DoesNotContain("OnGateBlocked", listener.EventNames);
    }

    [Fact]
    public async Task AddGate_NamedStrategy_ReportsUnderItsName()
    {
        var harness = new GateHarness();
        var listener = new RecordingTelemetryListener();
        GateStrategyOptions<Transfer> options = harness.Options(harness.LimitGate());
        options.Name = "transfer-gate";
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TelemetryListener = listener }.AddGate(options).Build();

        await harness.RunAsync(pipeline, Large);

        Assert.Equal("transfer-gate", Assert.Single(listener.Events, static e => e.Name == "OnGateBlocked").StrategyName);
    }

    [Fact]
    public void AddGate_OptionsWithoutExecutor_FailsValidation()
    {
        var harness = new GateHarness();
        GateStrategyOptions<Transfer> options = harness.Options(harness.LimitGate());
        options.Executor = null;

        ValidationException error = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder().AddGate(options));

        Assert.Contains("Executor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGate_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new ResiliencePipelineBuilder().AddGate<ResiliencePipelineBuilder, Transfer>(null!));
    }

    [Fact]
    public void Options_Default_NamesTheStrategyGate()
    {
        Assert.Equal("Gate", new GateStrategyOptions<Transfer>().Name);
    }
}

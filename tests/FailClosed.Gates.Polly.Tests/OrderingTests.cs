using FailClosed.Gates.Polly.Tests.TestUtilities;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace FailClosed.Gates.Polly.Tests;

/// <summary>The ordering rules of the README: where a gate sits relative to retry, timeout and circuit breaker.</summary>
public sealed class OrderingTests
{
    private static readonly Transfer Small = new("T-1", 100m);
    private static readonly Transfer Large = new("T-2", 5_000m);

    private static RetryStrategyOptions Retry(Func<RetryPredicateArguments<object>, ValueTask<bool>>? shouldHandle = null)
    {
        var options = new RetryStrategyOptions { MaxRetryAttempts = 3, Delay = TimeSpan.Zero };
        if (shouldHandle is not null)
        {
            options.ShouldHandle = shouldHandle;
        }

        return options;
    }

    [Fact]
    public async Task GateOutsideRetry_Blocked_IsNeverRetried()
    {
        var harness = new GateHarness();
        var listener = new RecordingTelemetryListener();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TelemetryListener = listener }
            .AddGate(harness.Options(harness.LimitGate()))
            .AddRetry(Retry())
            .Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Large);

        Assert.IsType<GateBlockedException>(outcome.Exception);
        Assert.Equal(1, harness.Evaluations);
        Assert.Equal(0, harness.Calls);
        Assert.DoesNotContain("OnRetry", listener.EventNames);
    }

    [Fact]
    public async Task GateOutsideRetry_TransientFailures_AreRetriedInsideOneGuardedExecution()
    {
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
            .AddGate(harness.Options(harness.LimitGate()))
            .AddRetry(Retry())
            .Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Small, static (call, _) =>
            call < 3 ? throw new TransientException() : ValueTask.FromResult("sent on attempt " + call));

        Assert.Equal("sent on attempt 3", outcome.Result);
        Assert.Equal(1, harness.Evaluations);
        Assert.Equal(3, harness.Calls);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], harness.Kinds);
        Assert.Equal("Completed", harness.Sink.Records[1].Detail);
    }

    [Fact]
    public async Task GateInsideRetry_ShouldHandleForTransientFailuresOnly_DoesNotRetryABlock()
    {
        var harness = new GateHarness();
        var listener = new RecordingTelemetryListener();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TelemetryListener = listener }
            .AddRetry(Retry(new PredicateBuilder().Handle<TransientException>()))
            .AddGate(harness.Options(harness.LimitGate()))
            .Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Large);

        Assert.IsType<GateBlockedException>(outcome.Exception);
        Assert.Equal(1, harness.Evaluations);
        Assert.Equal(0, harness.Calls);
        Assert.DoesNotContain("OnRetry", listener.EventNames);
    }

    [Fact]
    public async Task GateInsideRetry_ShouldHandleAsksForGateBlockedException_JudgesEachAttemptAgain()
    {
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
            .AddRetry(Retry(new PredicateBuilder().Handle<GateBlockedException>(static e => e.Code == GateCodes.Timeout)))
            .AddGate(harness.Options(harness.ScriptedGate(
                GateDecision.Indeterminate("scripted", GateCodes.Timeout, "The screening service did not answer in time."),
                GateDecision.Allow("scripted"))))
            .Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Small);

        Assert.Equal("sent", outcome.Result);
        Assert.Equal(2, harness.Evaluations);
        Assert.Equal(1, harness.Calls);
        Assert.Equal([EvidenceKind.Decision, EvidenceKind.Intent, EvidenceKind.Outcome], harness.Kinds);
    }

    [Fact]
    public async Task GateInsideRetry_DefaultShouldHandle_RetriesABlockAsPollyRetriesEveryException()
    {
        // Documented, not desired: Polly's default ShouldHandle handles every exception but cancellation. Hence the
        // rule "gate outside retry", or a ShouldHandle that names what is transient.
        var harness = new GateHarness();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
            .AddRetry(Retry())
            .AddGate(harness.Options(harness.LimitGate()))
            .Build();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Large);

        Assert.IsType<GateBlockedException>(outcome.Exception);
        Assert.Equal(4, harness.Evaluations);
        Assert.Equal(0, harness.Calls);
    }

    [Fact]
    public async Task TimeoutOutsideGate_SlowGate_BlocksWithCanceledAndNeverReachesTheCallback()
    {
        var harness = new GateHarness();
        ManualTimeProvider clock = harness.Clock;
        Gate<Transfer> slow = Gate.From<Transfer>("slow-screening", async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, ct);
            return GateDecision.Allow("slow-screening");
        });
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddTimeout(TimeSpan.FromSeconds(2))
            .AddGate(harness.Options(slow))
            .Build();

        Task<Outcome<string>> running = harness.RunAsync(pipeline, Small);
        clock.Advance(TimeSpan.FromSeconds(2));
        Outcome<string> outcome = await running;

        GateBlockedException blocked = Assert.IsType<GateBlockedException>(outcome.Exception);
        Assert.Equal(GateCodes.Canceled, blocked.Code);
        Assert.Equal(0, harness.Calls);
        Assert.Equal([EvidenceKind.Decision], harness.Kinds);
    }

    [Fact]
    public async Task TimeoutInsideGate_SlowCallback_RecordsTheTimeoutAsTheOutcome()
    {
        var harness = new GateHarness();
        ManualTimeProvider clock = harness.Clock;
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddGate(harness.Options(harness.LimitGate()))
            .AddTimeout(TimeSpan.FromSeconds(2))
            .Build();

        Task<Outcome<string>> running = harness.RunAsync(pipeline, Small, async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, ct);
            return "sent";
        });
        clock.Advance(TimeSpan.FromSeconds(2));
        Outcome<string> outcome = await running;

        Assert.IsType<TimeoutRejectedException>(outcome.Exception);
        Assert.Equal(1, harness.Calls);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], harness.Kinds);
        Assert.Equal("Threw " + typeof(TimeoutRejectedException).FullName, harness.Sink.Records[1].Detail);
    }

    private static CircuitBreakerStrategyOptions Breaker(CircuitBreakerStateProvider state) => new()
    {
        FailureRatio = 0.5,
        MinimumThroughput = 2,
        SamplingDuration = TimeSpan.FromSeconds(30),
        BreakDuration = TimeSpan.FromSeconds(30),
        StateProvider = state,
    };

    [Fact]
    public async Task GateOutsideCircuitBreaker_Blocks_NeverCountAsDownstreamFailures()
    {
        var harness = new GateHarness();
        var state = new CircuitBreakerStateProvider();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TimeProvider = harness.Clock }
            .AddGate(harness.Options(harness.LimitGate()))
            .AddCircuitBreaker(Breaker(state))
            .Build();

        for (int i = 0; i < 5; i++)
        {
            Assert.IsType<GateBlockedException>((await harness.RunAsync(pipeline, Large)).Exception);
        }

        Assert.Equal(CircuitState.Closed, state.CircuitState);
        Assert.Equal("sent", (await harness.RunAsync(pipeline, Small)).Result);
    }

    [Fact]
    public async Task GateOutsideCircuitBreaker_OpenCircuit_RecordsTheRejectionAndNeverReachesTheCallback()
    {
        var harness = new GateHarness();
        var state = new CircuitBreakerStateProvider();
        var control = new CircuitBreakerManualControl();
        CircuitBreakerStrategyOptions breaker = Breaker(state);
        breaker.ManualControl = control;
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TimeProvider = harness.Clock }
            .AddGate(harness.Options(harness.LimitGate()))
            .AddCircuitBreaker(breaker)
            .Build();
        await control.IsolateAsync();

        Outcome<string> outcome = await harness.RunAsync(pipeline, Small);

        Assert.IsAssignableFrom<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, harness.Calls);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], harness.Kinds);
        Assert.StartsWith("Threw Polly.CircuitBreaker.", harness.Sink.Records[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GateInsideCircuitBreaker_DefaultShouldHandle_BlocksOpenTheCircuit()
    {
        // Documented, not desired: inside a breaker with the default ShouldHandle, blocks count as failures.
        var harness = new GateHarness();
        var state = new CircuitBreakerStateProvider();
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TimeProvider = harness.Clock }
            .AddCircuitBreaker(Breaker(state))
            .AddGate(harness.Options(harness.LimitGate()))
            .Build();

        await harness.RunAsync(pipeline, Large);
        await harness.RunAsync(pipeline, Large);
        Outcome<string> outcome = await harness.RunAsync(pipeline, Small);

        Assert.Equal(CircuitState.Open, state.CircuitState);
        Assert.IsAssignableFrom<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, harness.Calls);
    }
}

namespace FailClosed.Gates.Tests.Execution;

/// <summary>What the executor tells a custom <see cref="ExecutionTelemetry"/>, and which stages it times for it.</summary>
public sealed class ExecutionTelemetryTests
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ExecuteAsync_TelemetryTimesEveryStage_ReceivesTheGateAndSideEffectDurations()
    {
        var telemetry = new RecordingTelemetry(timesGate: true, timesSideEffect: true);

        GuardedResult<int> result = await RunAsync(telemetry);

        Assert.True(result.Executed);
        Assert.Equal(TimeSpan.FromSeconds(3), telemetry.GateElapsed);
        Assert.Equal(TimeSpan.FromSeconds(5), telemetry.SideEffectElapsed);
        Assert.Equal(["started", "gate", "intent", "side effect", "outcome", "completed"], telemetry.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_TelemetryTimesNoStage_ReceivesZeroDurationsAndEveryCall()
    {
        var telemetry = new RecordingTelemetry(timesGate: false, timesSideEffect: false);

        GuardedResult<int> result = await RunAsync(telemetry);

        Assert.True(result.Executed);
        Assert.Equal(TimeSpan.Zero, telemetry.GateElapsed);
        Assert.Equal(TimeSpan.Zero, telemetry.SideEffectElapsed);
        Assert.Equal(["started", "gate", "intent", "side effect", "outcome", "completed"], telemetry.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_TelemetryTimesOnlyTheGate_ReceivesOnlyTheGateDuration()
    {
        var telemetry = new RecordingTelemetry(timesGate: true, timesSideEffect: false);

        _ = await RunAsync(telemetry);

        Assert.Equal(TimeSpan.FromSeconds(3), telemetry.GateElapsed);
        Assert.Equal(TimeSpan.Zero, telemetry.SideEffectElapsed);
    }

    private async Task<GuardedResult<int>> RunAsync(ExecutionTelemetry telemetry)
    {
        var executor = new EvidenceFirstExecutor(new InMemoryEvidenceSink(), new EvidenceFirstExecutorOptions { TimeProvider = _clock, Telemetry = telemetry });
        var slowGate = Gate.From<int>("slow", x =>
        {
            _clock.Advance(TimeSpan.FromSeconds(3));
            return GateDecision.Allow("slow");
        });

        return await executor.ExecuteAsync(
            new GuardedAction<int>("reports.export", slowGate),
            1,
            (x, _) =>
            {
                _clock.Advance(TimeSpan.FromSeconds(5));
                return ValueTask.FromResult(x);
            });
    }

    private sealed class RecordingTelemetry(bool timesGate, bool timesSideEffect) : ExecutionTelemetry
    {
        public List<string> Calls { get; } = [];

        public TimeSpan GateElapsed { get; private set; } = TimeSpan.MinValue;

        public TimeSpan SideEffectElapsed { get; private set; } = TimeSpan.MinValue;

        public override object? OnExecutionStarted(string action, string executionId)
        {
            Calls.Add("started");
            return null;
        }

        public override bool TimesGate(object? state) => timesGate;

        public override bool TimesSideEffect(object? state) => timesSideEffect;

        public override void OnGateEvaluated(object? state, string action, GateDecision decision, TimeSpan elapsed)
        {
            Calls.Add("gate");
            GateElapsed = elapsed;
        }

        public override void OnEvidenceWritten(object? state, string action, EvidenceKind kind, TimeSpan elapsed, bool written) =>
            Calls.Add(kind == EvidenceKind.Intent ? "intent" : "outcome");

        public override void OnSideEffectCompleted(object? state, string action, TimeSpan elapsed, Exception? exception)
        {
            Calls.Add("side effect");
            SideEffectElapsed = elapsed;
        }

        public override void OnExecutionCompleted(object? state, in ExecutionReport report) => Calls.Add("completed");
    }
}

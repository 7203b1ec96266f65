
namespace FailClosed.Gates.Tests.Execution;

public sealed class EvidenceFirstExecutorCancellationTests
{
    private readonly ExecutorFixture _f = new();

    [Fact]
    public async Task ExecuteAsync_CanceledBeforeStart_BlocksWithCanceledAndStillWritesTheDecision()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")), cancellationToken: cts.Token);

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.Canceled, result.Decision.Code);
        Assert.Equal(0, _f.Probe.Runs);
        EvidenceRecord record = Assert.Single(_f.Sink.Records);
        Assert.Equal(EvidenceKind.Decision, record.Kind);
        Assert.Equal(GateCodes.Canceled, record.Code);
        Assert.False(_f.Sink.Tokens[0].IsCancellationRequested);
    }

    [Fact]
    public async Task ExecuteAsync_CanceledWhileTheGateIsPending_BlocksWithCanceled()
    {
        using var cts = new CancellationTokenSource();
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Gate<int> slow = Gate.Require<int>("slow", async (_, _) => await release.Task);

        ValueTask<GuardedResult<int>> pending = _f.Create().ExecuteAsync(
            ExecutorFixture.Action(slow), 21, _f.Probe, static (c, p, ct) => p.RunAsync(c, ct), cts.Token);
        await cts.CancelAsync();
        GuardedResult<int> result = await pending;
        release.SetResult(true);

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.Canceled, result.Decision.Code);
        Assert.Equal(0, _f.Probe.Runs);
    }

    [Fact]
    public async Task ExecuteAsync_CanceledDuringTheIntentWrite_BlocksWithCanceled()
    {
        using var cts = new CancellationTokenSource();
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Hang);

        Task<GuardedResult<int>> pending = _f.Create().ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")), 21, _f.Probe, static (c, p, ct) => p.RunAsync(c, ct), cts.Token).AsTask();
        await _f.Sink.Hangs.WaitAsync();
        await cts.CancelAsync();
        GuardedResult<int> result = await pending;

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.Canceled, result.Decision.Code);
        Assert.Equal(0, _f.Probe.Runs);
        Assert.True(_f.Sink.Tokens[0].IsCancellationRequested);
        Assert.Equal(EvidenceKind.Decision, Assert.Single(_f.Sink.Records).Kind);
    }

    [Fact]
    public async Task ExecuteAsync_CanceledAfterTheIntentIsAcknowledged_BlocksBeforeTheSideEffect()
    {
        using var cts = new CancellationTokenSource();
        _f.Sink.Script = record =>
        {
            if (record.Kind == EvidenceKind.Intent)
            {
                cts.Cancel();
            }

            return SinkBehavior.Ok;
        };

        GuardedResult<int> result = await _f.RunAsync(_f.Create(), ExecutorFixture.Action(Gate.Allow<int>("ok")), cancellationToken: cts.Token);

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.Canceled, result.Decision.Code);
        Assert.Equal(0, _f.Probe.Runs);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Decision], _f.Sink.Records.Select(static r => r.Kind));
    }

    [Fact]
    public async Task ExecuteAsync_CanceledAfterTheSideEffectStarted_PassesTheTokenAndStillWritesTheOutcome()
    {
        using var cts = new CancellationTokenSource();
        EvidenceFirstExecutor executor = _f.Create();
        CancellationToken seen = default;

        await Assert.ThrowsAsync<OperationCanceledException>(async () => _ = await executor.ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            21,
            async (_, ct) =>
            {
                seen = ct;
                await cts.CancelAsync();
                ct.ThrowIfCancellationRequested();
                return 0;
            },
            cts.Token));

        Assert.Equal(cts.Token, seen);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], _f.Sink.Records.Select(static r => r.Kind));
        Assert.Equal("Threw System.OperationCanceledException", _f.Sink.Records[1].Detail);
        Assert.False(_f.Sink.Tokens[1].IsCancellationRequested);
    }

    [Fact]
    public async Task ExecuteAsync_CallerTokenCanceledAfterCompletion_DoesNotDisturbLaterExecutions()
    {
        using var cts = new CancellationTokenSource();
        EvidenceFirstExecutor executor = _f.Create();
        GuardedAction<int> action = ExecutorFixture.Action(Gate.Allow<int>("ok"));
        _ = await _f.RunAsync(executor, action, cancellationToken: cts.Token);
        await cts.CancelAsync();

        GuardedResult<int> result = await _f.RunAsync(executor, action);

        Assert.True(result.Executed);
        Assert.All(_f.Sink.Tokens, static token => Assert.False(token.IsCancellationRequested));
    }
}

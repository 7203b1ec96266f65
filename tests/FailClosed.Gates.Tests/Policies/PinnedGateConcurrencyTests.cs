using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Policies;

public sealed class PinnedGateConcurrencyTests
{
    private const int Callers = 16;

    [Fact]
    public async Task EvaluateAsync_ManyFirstCallersAtOnce_LoadAndCompileOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedPolicySource(PolicyTestData.SourceWithPolicy()) { Hold = release.Task };
        int compiles = 0;
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(PolicyTestData.Pin, source, artifact =>
        {
            Interlocked.Increment(ref compiles);
            return RoleLimitPolicyCompiler.Compile(artifact);
        });
        using var start = new Barrier(Callers);
        int issued = 0;

        Task<GateDecision>[] callers = new Task<GateDecision>[Callers];
        for (int i = 0; i < Callers; i++)
        {
            // Dedicated threads, released together by the barrier: pool threads would arrive one by one on a small machine.
            callers[i] = Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    Task<GateDecision> pending = gate.EvaluateAsync(PolicyTestData.Allowed).AsTask();
                    Interlocked.Increment(ref issued);
                    return pending;
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap();
        }

        await WaitUntilAsync(() => Volatile.Read(ref issued) == Callers);
        bool anyDoneBeforeRelease = Array.Exists(callers, static c => c.IsCompleted && c.Result.IsAllowed);
        release.SetResult();
        GateDecision[] decisions = await Task.WhenAll(callers);

        Assert.False(anyDoneBeforeRelease);
        Assert.All(decisions, static d => Assert.True(d.IsAllowed));
        Assert.All(decisions, static d => Assert.Equal(PolicyTestData.Pin, d.Pin));
        Assert.Equal(1, source.Loads);
        Assert.Equal(1, Volatile.Read(ref compiles));
    }

    [Fact]
    public async Task EvaluateAsync_ManyFirstCallersOnAFailingLoad_AllBlock_AndTheNextCallerRetries()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedPolicySource(PolicyTestData.SourceWithPolicy()) { Hold = release.Task, Throw = new IOException("offline") };
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(source);

        var pending = new Task<GateDecision>[Callers];
        for (int i = 0; i < Callers; i++)
        {
            pending[i] = gate.EvaluateAsync(PolicyTestData.Allowed).AsTask();
        }

        release.SetResult();
        GateDecision[] failed = await Task.WhenAll(pending);
        source.Throw = null;
        GateDecision retried = await gate.EvaluateAsync(PolicyTestData.Allowed);

        Assert.All(failed, static d => Assert.Equal(GateCodes.Fault, d.Code));
        Assert.True(retried.IsAllowed);
        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task EvaluateAsync_SlowSourceUnderTimeout_IsTimeout_NotCached_AndTheNextEvaluationLoadsAgain()
    {
        var clock = new ManualTimeProvider();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedPolicySource(PolicyTestData.SourceWithPolicy()) { Hold = hold.Task };
        Gate<PaymentRequest> gate = Gate.Timeout(PolicyTestData.PinnedGate(source), TimeSpan.FromSeconds(2), clock);

        ValueTask<GateDecision> pending = gate.EvaluateAsync(PolicyTestData.Allowed);
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(2));
        GateDecision timedOut = await pending;

        // The only waiter gave up, so the load was canceled and forgotten.
        await WaitUntilAsync(() => source.CanceledLoads == 1);
        source.Hold = null;
        GateDecision next = await gate.EvaluateAsync(PolicyTestData.Allowed);

        Assert.Equal(GateCodes.Timeout, timedOut.Code);
        Assert.False(timedOut.IsAllowed);
        Assert.True(next.IsAllowed);
        Assert.Equal(PolicyTestData.Pin, next.Pin);
        Assert.Equal(2, source.Loads);
        Assert.Equal(0, clock.LiveTimers);
    }

    [Fact]
    public async Task EvaluateAsync_OneOfTwoWaitersGivesUp_TheOtherStillGetsTheLoad()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedPolicySource(PolicyTestData.SourceWithPolicy()) { Hold = hold.Task };
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(source);
        using var impatient = new CancellationTokenSource();

        ValueTask<GateDecision> leaving = gate.EvaluateAsync(PolicyTestData.Allowed, impatient.Token);
        ValueTask<GateDecision> staying = gate.EvaluateAsync(PolicyTestData.Allowed);
        await impatient.CancelAsync();
        GateDecision left = await leaving;
        hold.SetResult();
        GateDecision stayed = await staying;

        Assert.Equal(GateCodes.Canceled, left.Code);
        Assert.Equal(PolicyTestData.Pin, left.Pin);
        Assert.True(stayed.IsAllowed);
        Assert.Equal(1, source.Loads);
        Assert.Equal(0, source.CanceledLoads);
    }

    [Fact]
    public async Task EvaluateAsync_EveryWaiterGivesUp_TheLoadIsCanceled()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedPolicySource(PolicyTestData.SourceWithPolicy()) { Hold = hold.Task };
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(source);
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();

        ValueTask<GateDecision> a = gate.EvaluateAsync(PolicyTestData.Allowed, first.Token);
        ValueTask<GateDecision> b = gate.EvaluateAsync(PolicyTestData.Allowed, second.Token);
        await first.CancelAsync();
        _ = await a;
        int canceledAfterFirst = source.CanceledLoads;
        await second.CancelAsync();
        _ = await b;
        await WaitUntilAsync(() => source.CanceledLoads == 1);

        Assert.Equal(0, canceledAfterFirst);
        Assert.Equal(1, source.Loads);
    }

    /// <summary>Polls a condition set by work on other threads; bounded so a broken test fails instead of hanging.</summary>
    /// <summary>
    /// Waits for the callers' dedicated threads to get there: a bound in wall-clock time, not in iterations, since a
    /// loaded 2-core machine can take far longer than a fixed number of yields to start them. Nothing here is a
    /// timeout under test; the bound only keeps a broken test from hanging.
    /// </summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        bool met = await Task.Run(() => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(60)));
        Assert.True(met, "The condition was not met within a minute.");
    }
}

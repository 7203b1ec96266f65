using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Gates;

public sealed class GateTests
{
    [Fact]
    public void Constructor_WithBlankName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ThrowingGate(" "));
    }

    [Fact]
    public void EvaluateAsync_CoreThrowsSynchronously_IsFaultNamingGate()
    {
        var gate = new ThrowingGate("custom");

        GateDecision decision = gate.Decide(0);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Fault, decision.Code);
        Assert.Equal("custom", decision.Gate);
        Assert.IsType<InvalidOperationException>(decision.Exception);
    }

    [Fact]
    public void EvaluateAsync_CoreReturnsFaultedValueTask_IsFault()
    {
        Gate<int> gate = Gate.From<int>("faulted", (_, _) => ValueTask.FromException<GateDecision>(new FormatException()));

        GateDecision decision = gate.Decide(0);

        Assert.Equal(GateCodes.Fault, decision.Code);
        Assert.IsType<FormatException>(decision.Exception);
    }

    [Fact]
    public async Task EvaluateAsync_PendingCoreFaultsLater_IsFault()
    {
        var gate = new ManualGate<int>("manual");
        ValueTask<GateDecision> pending = gate.EvaluateAsync(0);

        gate.Fail(new TimeoutException());
        GateDecision decision = await pending;

        Assert.Equal(GateCodes.Fault, decision.Code);
        Assert.Equal("manual", decision.Gate);
    }

    [Fact]
    public void EvaluateAsync_CoreThrowsOperationCanceled_IsCanceled()
    {
        Gate<int> gate = Gate.Require<int>("cancels", _ => throw new OperationCanceledException());

        GateDecision decision = gate.Decide(0);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Canceled, decision.Code);
    }

    [Fact]
    public void EvaluateAsync_TokenAlreadyCanceled_IsCanceledWithoutCallingCore()
    {
        int calls = 0;
        Gate<int> gate = Gate.Require<int>("counted", _ => ++calls > 0);

        GateDecision decision = gate.Decide(0, new CancellationToken(canceled: true));

        Assert.Equal(GateCodes.Canceled, decision.Code);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void EvaluateAsync_CallerCancelsWhileGateIgnoresToken_IsCanceledPromptly()
    {
        var gate = new ManualGate<int>("ignores-token", observeToken: false);
        using var cts = new CancellationTokenSource();

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = gate.EvaluateAsync(0, cts.Token).AsTask();
            Assert.False(evaluation.IsCompleted);
            cts.Cancel();
            Assert.True(evaluation.IsCompleted, "Cancellation must end the evaluation without waiting for the gate.");
            return evaluation.Result;
        });

        Assert.Equal(GateCodes.Canceled, decision.Code);
        Assert.Equal("ignores-token", decision.Gate);
    }

    [Fact]
    public void EvaluateAsync_AllowArrivingAfterCancellation_IsCanceled()
    {
        using var cts = new CancellationTokenSource();
        Gate<int> cancelsThenAllows = Gate.Require<int>("cancels-then-allows", _ =>
        {
            cts.Cancel();
            return true;
        });

        GateDecision decision = cancelsThenAllows.Decide(0, cts.Token);

        Assert.Equal(GateCodes.Canceled, decision.Code);
        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public void EvaluateAsync_DenyArrivingAfterCancellation_StaysDeny()
    {
        using var cts = new CancellationTokenSource();
        Gate<int> cancelsThenDenies = Gate.Require<int>("cancels-then-denies", _ =>
        {
            cts.Cancel();
            return false;
        });

        GateDecision decision = cancelsThenDenies.Decide(0, cts.Token);

        Assert.Equal(Verdict.Deny, decision.Verdict);
    }

    [Fact]
    public void EvaluateAsync_DefaultDecision_IsUnsetNamingGate()
    {
        Gate<int> gate = Gate.From<int>("forgetful", _ => default);

        GateDecision decision = gate.Decide(0);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Unset, decision.Code);
        Assert.Equal("forgetful", decision.Gate);
    }

    [Fact]
    public void EvaluateAsync_SynchronousGate_CompletesSynchronously()
    {
        Gate<int> gate = Gate.Require<int>("sync", _ => true);

        ValueTask<GateDecision> pending = gate.EvaluateAsync(0);

        Assert.True(pending.IsCompletedSuccessfully);
    }

    [Fact]
    public void Pins_OfGateWithoutPolicy_IsEmpty()
    {
        Assert.Empty(Gate.Require<int>("plain", _ => true).Pins);
    }

    private sealed class ThrowingGate(string name) : Gate<int>(name)
    {
        protected override ValueTask<GateDecision> EvaluateCoreAsync(int context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("broken");
    }
}

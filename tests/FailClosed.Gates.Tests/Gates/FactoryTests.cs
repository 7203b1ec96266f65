using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Gates;

public sealed class FactoryTests
{
    [Theory]
    [InlineData(true, Verdict.Allow)]
    [InlineData(false, Verdict.Deny)]
    public void Require_Predicate_MapsToVerdict(bool result, Verdict expected)
    {
        Gate<int> gate = Gate.Require<int>("req", _ => result);

        GateDecision decision = gate.Decide(0);

        Assert.Equal(expected, decision.Verdict);
        Assert.Equal("req", decision.Gate);
    }

    [Fact]
    public async Task Require_AsyncPredicatePending_MapsToVerdict()
    {
        var answer = new TaskCompletionSource<bool>();
        Gate<int> gate = Gate.Require<int>("async", (_, _) => new ValueTask<bool>(answer.Task));

        ValueTask<GateDecision> pending = gate.EvaluateAsync(0);
        Assert.False(pending.IsCompleted);
        answer.SetResult(false);

        Assert.Equal(Verdict.Deny, (await pending).Verdict);
    }

    [Fact]
    public void Require_AsyncPredicateCompletedSynchronously_CompletesSynchronously()
    {
        Gate<int> gate = Gate.Require<int>("async", (_, _) => ValueTask.FromResult(true));

        Assert.True(gate.Decide(0).IsAllowed);
    }

    [Fact]
    public void From_ReturnsDelegateDecision()
    {
        Gate<int> gate = Gate.From<int>("from", x => x > 0 ? GateDecision.Allow("from") : GateDecision.Indeterminate("from", GateCodes.IdentityMissing));

        Assert.True(gate.Decide(1).IsAllowed);
        Assert.Equal(GateCodes.IdentityMissing, gate.Decide(0).Code);
    }

    [Fact]
    public void AllowAndDeny_AreConstant()
    {
        Assert.True(Gate.Allow<int>("yes").Decide(0).IsAllowed);
        GateDecision no = Gate.Deny<int>("no", "never").Decide(0);
        Assert.Equal(Verdict.Deny, no.Verdict);
        Assert.Equal("never", no.Reason);
    }

    [Fact]
    public void Factories_WithNullDelegates_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => Gate.Require<int>("x", (Func<int, bool>)null!));
        Assert.Throws<ArgumentNullException>(() => Gate.Require<int>("x", (Func<int, CancellationToken, ValueTask<bool>>)null!));
        Assert.Throws<ArgumentNullException>(() => Gate.From<int>("x", (Func<int, GateDecision>)null!));
        Assert.Throws<ArgumentNullException>(() => Gate.From<int>("x", (Func<int, CancellationToken, ValueTask<GateDecision>>)null!));
    }

    [Fact]
    public void Factories_WithBlankName_Throw()
    {
        Assert.Throws<ArgumentException>(() => Gate.Require<int>(string.Empty, _ => true));
        Assert.Throws<ArgumentException>(() => Gate.Allow<int>(" "));
        Assert.Throws<ArgumentException>(() => Gate.Deny<int>(string.Empty));
    }
}

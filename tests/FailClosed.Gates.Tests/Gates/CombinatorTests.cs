using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Gates;

public sealed class CombinatorTests
{
    private static readonly Gate<int> Yes = Gate.Allow<int>("yes");
    private static readonly Gate<int> No = Gate.Deny<int>("no");
    private static readonly Gate<int> Unknown = Gate.From<int>("unknown", _ => GateDecision.Indeterminate("unknown", GateCodes.ResultIncomplete));

    [Fact]
    public void All_OfNothing_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => Gate.All<int>());

        Assert.Contains("at least one gate", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_OfNothing_Throws()
    {
        Assert.Throws<ArgumentException>(() => Gate.Any<int>("named"));
    }

    [Fact]
    public void All_WithNullChild_ThrowsNamingIndex()
    {
        var exception = Assert.Throws<ArgumentException>(() => Gate.All(Yes, null!));

        Assert.Contains("index 1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_ChildrenArrayChangedAfterBuild_IsUnaffected()
    {
        Gate<int>[] children = [Yes, Yes];
        Gate<int> all = Gate.All(children);

        children[1] = No;

        Assert.True(all.Decide(0).IsAllowed);
    }

    [Fact]
    public void All_AllAllow_AllowsNamedAfterItself()
    {
        GateDecision decision = Gate.All(Yes, Yes).Decide(0);

        Assert.True(decision.IsAllowed);
        Assert.Equal("all(yes, yes)", decision.Gate);
    }

    [Fact]
    public void All_StopsAtFirstDeny()
    {
        int later = 0;
        Gate<int> counted = Gate.Require<int>("counted", _ => ++later > 0);

        GateDecision decision = Gate.All(Yes, No, counted).Decide(0);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("no", decision.Gate);
        Assert.Equal(0, later);
    }

    [Fact]
    public void All_IndeterminateThenDeny_ReturnsTheDeny()
    {
        // Regression: All stopped at the first block, so an unknown hid a later deny (and De Morgan failed).
        GateDecision decision = Gate.All(Unknown, No).Decide(0);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal(GateCodes.Denied, decision.Code);
        Assert.Equal("no", decision.Gate);
    }

    [Fact]
    public void All_IndeterminateThenInlinePredicateDeny_ReturnsTheDeny()
    {
        Gate<int> underLimit = Gate.Require<int>("under-limit", static x => x < 10);

        GateDecision decision = Gate.All(Unknown, underLimit).Decide(50);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("under-limit", decision.Gate);
    }

    [Fact]
    public void All_IndeterminateThenAllows_AsksEveryChildAndReturnsTheIndeterminate()
    {
        int later = 0;
        Gate<int> counted = Gate.Require<int>("counted", _ => ++later > 0);
        Gate<int> unknown2 = Gate.From<int>("unknown2", _ => GateDecision.Indeterminate("unknown2", GateCodes.Fault));

        GateDecision decision = Gate.All(Yes, Unknown, counted, unknown2, Yes).Decide(0);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.ResultIncomplete, decision.Code);
        Assert.Equal("unknown", decision.Gate);
        Assert.Equal(1, later);
    }

    [Fact]
    public void All_ThrowingInlinePredicateThenDeny_ReturnsTheDeny()
    {
        Gate<int> throws = Gate.Require<int>("throws", _ => throw new InvalidOperationException());

        Assert.Equal("no", Gate.All(throws, Yes, No).Decide(0).Gate);
    }

    [Fact]
    public void All_ThrowingInlinePredicateThenAllow_ReturnsItsFault()
    {
        Gate<int> throws = Gate.Require<int>("throws", _ => throw new InvalidOperationException());

        GateDecision decision = Gate.All(throws, Yes).Decide(0);

        Assert.Equal(GateCodes.Fault, decision.Code);
        Assert.Equal("throws", decision.Gate);
    }

    [Fact]
    public void All_PendingIndeterminateThenDeny_ReturnsTheDeny()
    {
        var slow = new ManualGate<int>("slow");
        int later = 0;
        Gate<int> limit = Gate.Require<int>("limit", _ => ++later < 0);

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = Gate.All(slow, limit).EvaluateAsync(0).AsTask();
            Assert.False(evaluation.IsCompleted);
            slow.Answer(GateDecision.Indeterminate("slow", GateCodes.ResultIncomplete));
            return evaluation.Result;
        });

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("limit", decision.Gate);
        Assert.Equal(1, later);
    }

    [Fact]
    public void All_PendingDeny_StopsThere()
    {
        var slow = new ManualGate<int>("slow");
        int later = 0;
        Gate<int> counted = Gate.Require<int>("counted", _ => ++later > 0);

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = Gate.All(Unknown, slow, counted).EvaluateAsync(0).AsTask();
            slow.Answer(GateDecision.Deny("slow"));
            return evaluation.Result;
        });

        Assert.Equal("slow", decision.Gate);
        Assert.Equal(0, later);
    }

    [Fact]
    public void All_PendingIndeterminateThenAllows_ReturnsTheEarlierIndeterminate()
    {
        var slow = new ManualGate<int>("slow");

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = Gate.All(Unknown, slow, Yes).EvaluateAsync(0).AsTask();
            slow.Answer(GateDecision.Indeterminate("slow", GateCodes.Fault));
            return evaluation.Result;
        });

        Assert.Equal("unknown", decision.Gate);
        Assert.Equal(GateCodes.ResultIncomplete, decision.Code);
    }

    [Fact]
    public void All_FirstChildTimesOutThenDeny_AsksTheLaterChildAndDenies()
    {
        var time = new ManualTimeProvider();
        var hanging = new ManualGate<int>("hanging", observeToken: true);
        var later = new ManualGate<int>("later");
        Gate<int> all = Gate.All(hanging.WithTimeout(TimeSpan.FromSeconds(1), time), later);

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = all.EvaluateAsync(0).AsTask();
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(SpinWait.SpinUntil(() => later.Calls == 1, TimeSpan.FromSeconds(30)), "The later child was never asked.");
            later.Answer(GateDecision.Deny("later"));
            return evaluation.Result;
        });

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("later", decision.Gate);
    }

    [Fact]
    public void All_FirstChildTimesOutThenAllow_IsIndeterminateTimeoutAfterAskingTheLaterChild()
    {
        var time = new ManualTimeProvider();
        var hanging = new ManualGate<int>("hanging", observeToken: true);
        int later = 0;
        Gate<int> counted = Gate.Require<int>("counted", _ => ++later > 0);
        Gate<int> all = Gate.All(hanging.WithTimeout(TimeSpan.FromSeconds(1), time), counted);

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = all.EvaluateAsync(0).AsTask();
            time.Advance(TimeSpan.FromSeconds(1));
            return evaluation.Result;
        });

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Timeout, decision.Code);
        Assert.Equal("timeout(hanging)", decision.Gate);
        Assert.Equal(1, later);
    }

    [Fact]
    public void And_IndeterminateThenDeny_Denies()
    {
        Assert.Equal(Verdict.Deny, Unknown.And(No).Decide(0).Verdict);
        Assert.Equal(Verdict.Deny, No.And(Unknown).Decide(0).Verdict);
    }

    [Fact]
    public void DeMorgan_IndeterminateAndDeny_BothSidesAllow()
    {
        // The case that broke: Not(All(a, b)) was Indeterminate while Any(Not(a), Not(b)) allowed.
        Assert.Equal(Verdict.Allow, Gate.Not(Gate.All(Unknown, No)).Decide(0).Verdict);
        Assert.Equal(Verdict.Allow, Gate.Any(Gate.Not(Unknown), Gate.Not(No)).Decide(0).Verdict);
    }

    [Fact]
    public void Any_AllBlock_PrefersIndeterminateOverDeny()
    {
        GateDecision decision = Gate.Any(No, Unknown).Decide(0);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal("unknown", decision.Gate);
    }

    [Fact]
    public void Any_OnlyDenies_ReturnsFirstDeny()
    {
        Gate<int> no2 = Gate.Deny<int>("no2");

        Assert.Equal("no", Gate.Any(No, no2).Decide(0).Gate);
    }

    [Fact]
    public void Any_SomeAllow_ReturnsAllowingChild()
    {
        GateDecision decision = Gate.Any(No, Yes, Unknown).Decide(0);

        Assert.True(decision.IsAllowed);
        Assert.Equal("yes", decision.Gate);
    }

    [Fact]
    public void Not_SwapsDefiniteVerdicts()
    {
        Assert.Equal(Verdict.Deny, Gate.Not(Yes).Decide(0).Verdict);
        Assert.Equal(Verdict.Allow, Gate.Not(No).Decide(0).Verdict);
    }

    [Fact]
    public void Not_Indeterminate_StaysIndeterminate()
    {
        GateDecision decision = Gate.Not(Unknown).Decide(0);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.ResultIncomplete, decision.Code);
    }

    [Fact]
    public void Not_OfFault_NeverAllows()
    {
        Gate<int> throws = Gate.Require<int>("throws", _ => throw new InvalidOperationException());

        Assert.False(Gate.Not(throws).Decide(0).IsAllowed);
    }

    [Fact]
    public void AndOr_ComposeLikeAllAny()
    {
        Assert.False(Yes.And(No).Decide(0).IsAllowed);
        Assert.True(No.Or(Yes).Decide(0).IsAllowed);
        Assert.Throws<ArgumentNullException>(() => Yes.And(null!));
        Assert.Throws<ArgumentNullException>(() => ((Gate<int>)null!).Or(Yes));
    }
}

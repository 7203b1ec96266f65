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
    public void All_StopsAtFirstBlock()
    {
        int later = 0;
        Gate<int> counted = Gate.Require<int>("counted", _ => ++later > 0);

        GateDecision decision = Gate.All(Yes, Unknown, counted).Decide(0);

        Assert.Equal("unknown", decision.Gate);
        Assert.Equal(0, later);
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

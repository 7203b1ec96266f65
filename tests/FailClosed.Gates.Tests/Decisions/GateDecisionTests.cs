namespace FailClosed.Gates.Tests.Decisions;

public sealed class GateDecisionTests
{
    [Fact]
    public void Default_IsIndeterminateUnsetAndBlocks()
    {
        GateDecision decision = default;

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Unset, decision.Code);
        Assert.False(decision.IsAllowed);
        Assert.True(decision.IsBlocked);
    }

    [Fact]
    public void VerdictDefault_IsIndeterminate()
    {
        Assert.Equal(Verdict.Indeterminate, default(Verdict));
    }

    [Fact]
    public void UndefinedVerdict_Blocks()
    {
        object boxed = GateDecision.Allow("g");
        typeof(GateDecision)
            .GetField("_core", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .SetValue(boxed, new DecisionCore((Verdict)7, "Forged", "g", null));
        var forged = (GateDecision)boxed;

        Assert.Equal((Verdict)7, forged.Verdict);
        Assert.False(forged.IsAllowed);
        Assert.True(forged.IsBlocked);
    }

    [Fact]
    public void Allow_HasAllowedCode()
    {
        GateDecision decision = GateDecision.Allow("g");

        Assert.True(decision.IsAllowed);
        Assert.Equal(GateCodes.Allowed, decision.Code);
        Assert.Equal("g", decision.Gate);
    }

    [Fact]
    public void Deny_WithAllowedCode_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => GateDecision.Deny("g", code: GateCodes.Allowed));

        Assert.Contains("Allowed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Indeterminate_WithAllowedCode_Throws()
    {
        Assert.Throws<ArgumentException>(() => GateDecision.Indeterminate("g", GateCodes.Allowed));
    }

    [Fact]
    public void Factories_WithEmptyGate_Throw()
    {
        Assert.Throws<ArgumentException>(() => GateDecision.Allow(string.Empty));
        Assert.Throws<ArgumentException>(() => GateDecision.Deny(string.Empty));
        Assert.Throws<ArgumentException>(() => GateDecision.Indeterminate(string.Empty, GateCodes.Fault));
    }

    [Fact]
    public void Indeterminate_KeepsException()
    {
        var boom = new InvalidOperationException("boom");

        GateDecision decision = GateDecision.Indeterminate("g", GateCodes.Fault, exception: boom);

        Assert.Same(boom, decision.Exception);
    }

    [Fact]
    public void WithPin_KeepsVerdictAndAddsPin()
    {
        var pin = new PolicyPin("payments", "1.0.0", new string('a', 64));

        GateDecision decision = GateDecision.Deny("g", "no").WithPin(pin);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("no", decision.Reason);
        Assert.Equal(pin, decision.Pin);
    }

    [Fact]
    public void Equality_ComparesVerdictCodeGateReason()
    {
        Assert.Equal(GateDecision.Deny("g", "r"), GateDecision.Deny("g", "r"));
        Assert.NotEqual(GateDecision.Deny("g", "r"), GateDecision.Deny("g", "other"));
        Assert.NotEqual(GateDecision.Deny("g"), GateDecision.Indeterminate("g", GateCodes.Denied));
    }

    [Fact]
    public void ToString_NamesVerdictCodeAndGate()
    {
        Assert.Equal("Deny(Denied) by 'limit': too much", GateDecision.Deny("limit", "too much").ToString());
    }
}


namespace FailClosed.Gates.Tests.Identity;

public sealed class IdentityGateTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RequireIdentity_NoIdentity_IsIndeterminateIdentityMissing()
    {
        Gate<VerifiedIdentity?> gate = Gate.RequireIdentity<VerifiedIdentity?>("caller", static id => id, new ManualTimeProvider(Start));

        GateDecision decision = await gate.EvaluateAsync(null);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.IdentityMissing, decision.Code);
        Assert.Equal("caller", decision.Gate);
    }

    [Fact]
    public async Task RequireIdentity_ValidCredential_Allows()
    {
        var time = new ManualTimeProvider(Start);
        Gate<VerifiedIdentity?> gate = Gate.RequireIdentity<VerifiedIdentity?>("caller", static id => id, time);
        var identity = new VerifiedIdentity("agent-7", "https://issuer.example", Start.AddMinutes(5));

        GateDecision decision = await gate.EvaluateAsync(identity);

        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public async Task RequireIdentity_ClockReachesExpiry_IsIdentityMissing()
    {
        var time = new ManualTimeProvider(Start);
        Gate<VerifiedIdentity?> gate = Gate.RequireIdentity<VerifiedIdentity?>("caller", static id => id, time);
        var identity = new VerifiedIdentity("agent-7", "https://issuer.example", Start.AddMinutes(5));

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        GateDecision before = await gate.EvaluateAsync(identity);
        time.Advance(TimeSpan.FromTicks(1));
        GateDecision at = await gate.EvaluateAsync(identity);

        Assert.True(before.IsAllowed);
        Assert.Equal(Verdict.Indeterminate, at.Verdict);
        Assert.Equal(GateCodes.IdentityMissing, at.Code);
        Assert.Contains("agent-7", at.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireIdentity_ReaderThrows_IsFaultNotAnonymous()
    {
        Gate<int> gate = Gate.RequireIdentity<int>("caller", static _ => throw new InvalidOperationException("token store down"));

        GateDecision decision = await gate.EvaluateAsync(1);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Fault, decision.Code);
    }

    [Fact]
    public void VerifiedIdentity_BlankSubject_Throws()
    {
        Assert.Throws<ArgumentException>(() => new VerifiedIdentity(" ", "issuer", Start));
    }

    [Fact]
    public void VerifiedIdentity_SameFields_AreEqual()
    {
        var a = new VerifiedIdentity("agent-7", "issuer", Start);
        var b = new VerifiedIdentity("agent-7", "issuer", Start);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new VerifiedIdentity("agent-8", "issuer", Start));
    }
}

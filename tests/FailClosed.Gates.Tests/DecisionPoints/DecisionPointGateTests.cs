using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.DecisionPoints;

public sealed class DecisionPointGateTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task DecisionPoint_Allows_Allows()
    {
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Answering(new DecisionPointAnswer(Verdict.Allow, "v3", "role matches")), Options());

        GateDecision decision = await gate.EvaluateAsync("read_invoice");

        Assert.True(decision.IsAllowed);
        Assert.Equal("role matches", decision.Reason);
    }

    [Fact]
    public async Task DecisionPoint_Denies_DeniesWithItsReason()
    {
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Answering(new DecisionPointAnswer(Verdict.Deny, "v3", "over limit")), Options());

        GateDecision decision = await gate.EvaluateAsync("approve_payment");

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal(GateCodes.Denied, decision.Code);
        Assert.Equal("over limit", decision.Reason);
    }

    [Fact]
    public void DecisionPoint_NoAnswerInTime_IsTimeout()
    {
        var time = new ManualTimeProvider();
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Never(), Options(time));

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> pending = gate.EvaluateAsync("x").AsTask();
            time.Advance(Limit - TimeSpan.FromTicks(1));
            Assert.False(pending.IsCompleted);
            time.Advance(TimeSpan.FromTicks(1));
            return pending.GetAwaiter().GetResult();
        });

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Timeout, decision.Code);
        Assert.Equal("pdp", decision.Gate);
    }

    [Fact]
    public async Task DecisionPoint_Unreachable_IsFault()
    {
        Gate<string> gate = Gate.DecisionPoint("pdp", new Pdp((_, _) => throw new HttpRequestException("connection refused")), Options());

        GateDecision decision = await gate.EvaluateAsync("x");

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Fault, decision.Code);
    }

    [Fact]
    public async Task DecisionPoint_FaultsLater_IsFault()
    {
        Gate<string> gate = Gate.DecisionPoint("pdp", new Pdp(async (_, _) =>
        {
            await Task.Yield();
            throw new HttpRequestException("503");
        }), Options());

        GateDecision decision = await gate.EvaluateAsync("x");

        Assert.Equal(GateCodes.Fault, decision.Code);
    }

    [Fact]
    public async Task DecisionPoint_NullAnswer_IsMalformed()
    {
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Answering(null), Options());

        GateDecision decision = await gate.EvaluateAsync("x");

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Malformed, decision.Code);
    }

    [Fact]
    public async Task DecisionPoint_UndefinedVerdict_IsMalformed()
    {
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Answering(new DecisionPointAnswer((Verdict)7, "v3")), Options());

        GateDecision decision = await gate.EvaluateAsync("x");

        Assert.Equal(GateCodes.Malformed, decision.Code);
    }

    [Fact]
    public async Task DecisionPoint_NoDecision_IsIndeterminateUnset()
    {
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Answering(new DecisionPointAnswer(Verdict.Indeterminate, "v3")), Options());

        GateDecision decision = await gate.EvaluateAsync("x");

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Unset, decision.Code);
    }

    [Theory]
    [InlineData("v2")]
    [InlineData(null)]
    public async Task DecisionPoint_AllowUnderAnotherVersion_IsPolicyVersionMismatch(string? answered)
    {
        DecisionPointOptions options = Options();
        options.PolicyVersion = "v3";
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Answering(new DecisionPointAnswer(Verdict.Allow, answered)), options);

        GateDecision decision = await gate.EvaluateAsync("x");

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.PolicyVersionMismatch, decision.Code);
    }

    [Fact]
    public async Task DecisionPoint_DenyUnderAnotherVersion_StaysDeny()
    {
        DecisionPointOptions options = Options();
        options.PolicyVersion = "v3";
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Answering(new DecisionPointAnswer(Verdict.Deny, "v2")), options);

        GateDecision decision = await gate.EvaluateAsync("x");

        Assert.Equal(Verdict.Deny, decision.Verdict);
    }

    [Fact]
    public async Task DecisionPoint_AllowUnderPinnedVersion_Allows()
    {
        DecisionPointOptions options = Options();
        options.PolicyVersion = "v3";
        Gate<string> gate = Gate.DecisionPoint("pdp", Pdp.Answering(new DecisionPointAnswer(Verdict.Allow, "v3")), options);

        Assert.True((await gate.EvaluateAsync("x")).IsAllowed);
    }

    [Fact]
    public void DecisionPoint_NonPositiveTimeout_Throws()
    {
        DecisionPointOptions options = Options();
        options.Timeout = TimeSpan.Zero;

        Assert.Throws<ArgumentOutOfRangeException>(() => Gate.DecisionPoint("pdp", Pdp.Never(), options));
    }

    private static DecisionPointOptions Options(TimeProvider? time = null) => new() { Timeout = Limit, TimeProvider = time ?? new ManualTimeProvider() };

    private sealed class Pdp : IPolicyDecisionPoint<string>
    {
        private readonly Func<string, CancellationToken, ValueTask<DecisionPointAnswer?>> _answer;

        public Pdp(Func<string, CancellationToken, ValueTask<DecisionPointAnswer?>> answer)
        {
            _answer = answer;
        }

        public static Pdp Answering(DecisionPointAnswer? answer) => new((_, _) => new ValueTask<DecisionPointAnswer?>(answer));

        public static Pdp Never() => new((_, _) => new ValueTask<DecisionPointAnswer?>(new TaskCompletionSource<DecisionPointAnswer?>().Task));

        public ValueTask<DecisionPointAnswer?> DecideAsync(string context, CancellationToken cancellationToken) => _answer(context, cancellationToken);
    }
}

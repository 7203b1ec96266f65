using System.Security.Cryptography;
using System.Text;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Policies;

public sealed class PinnedGateTests
{
    private static readonly PolicyPin Pin = PolicyTestData.Pin;

    [Fact]
    public async Task EvaluateAsync_PinnedArtifact_JudgesByTheCompiledPolicyAndCarriesThePin()
    {
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(PolicyTestData.SourceWithPolicy());

        GateDecision allowed = await gate.EvaluateAsync(PolicyTestData.Allowed);
        GateDecision denied = await gate.EvaluateAsync(PolicyTestData.OverLimit);

        Assert.True(allowed.IsAllowed);
        Assert.Equal(Pin, allowed.Pin);
        Assert.Equal("payments-release@3", allowed.Gate);
        Assert.Equal(Verdict.Deny, denied.Verdict);
        Assert.Equal(GateCodes.Denied, denied.Code);
        Assert.Equal(Pin, denied.Pin);
        Assert.Contains("at most 1000", denied.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Pinned_NameAndPins_NameTheArtifact()
    {
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(new InMemoryPolicySource());

        Assert.Equal("pinned(payments-release@3)", gate.Name);
        Assert.Equal([Pin], gate.Pins);
        Assert.Equal([Pin], Gate.All(Gate.Allow<PaymentRequest>("a"), gate).Pins);
        Assert.Equal([Pin], Gate.Timeout(gate, TimeSpan.FromSeconds(1)).Pins);
    }

    [Fact]
    public async Task EvaluateAsync_MissingArtifact_IsPolicyMissing()
    {
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(new InMemoryPolicySource());

        GateDecision decision = await gate.EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicyMissing, "never falls back");
        Assert.Equal(gate.Name, decision.Gate);
    }

    [Fact]
    public async Task EvaluateAsync_OnlyAnotherVersionPresent_IsPolicyMissing()
    {
        var source = new InMemoryPolicySource();
        source.Publish(PolicyTestData.Name, "2", PolicyTestData.Policy);
        source.Publish(PolicyTestData.Name, "4", PolicyTestData.Policy);

        GateDecision decision = await PolicyTestData.PinnedGate(source).EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicyMissing, "payments-release@3");
    }

    [Fact]
    public async Task EvaluateAsync_OneByteChanged_IsPolicyDigestMismatch()
    {
        byte[] changed = (byte[])PolicyTestData.Policy.Clone();
        changed[Array.IndexOf(changed, (byte)'1')] = (byte)'9'; // a still-valid policy: the clerk's 1000 becomes 9000
        var source = new InMemoryPolicySource();
        source.Publish(PolicyTestData.Name, PolicyTestData.Version, changed);

        GateDecision decision = await PolicyTestData.PinnedGate(source).EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicyDigestMismatch, Pin.Sha256);
    }

    [Fact]
    public async Task EvaluateAsync_SourceAnswersWithAnotherPin_IsPolicyMissing()
    {
        PolicyPin other = PolicyPin.FromContent(PolicyTestData.Name, "4", PolicyTestData.Policy);
        var source = new SubstitutingSource(new PolicyArtifact(other, PolicyTestData.Policy));

        GateDecision decision = await PolicyTestData.PinnedGate(source).EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicyMissing, "never accepts a substitute");
    }

    [Fact]
    public async Task EvaluateAsync_SignedByATrustedKey_Allows()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        InMemoryPolicySource source = PolicyTestData.SourceWithPolicy(PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key));
        PolicyVerification verification = PolicyVerification.RequireSignature(PolicyTestData.TrustStoreFor(key));

        GateDecision decision = await PolicyTestData.PinnedGate(source, verification).EvaluateAsync(PolicyTestData.Allowed);

        Assert.True(decision.IsAllowed);
        Assert.Equal(Pin, decision.Pin);
    }

    [Fact]
    public async Task EvaluateAsync_SignatureRequiredButMissing_IsPolicySignatureInvalid()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        PolicyVerification verification = PolicyVerification.RequireSignature(PolicyTestData.TrustStoreFor(key));

        GateDecision decision = await PolicyTestData.PinnedGate(PolicyTestData.SourceWithPolicy(), verification).EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicySignatureInvalid, "no signature");
    }

    [Fact]
    public async Task EvaluateAsync_SignedByAnUnknownKey_IsPolicySignatureInvalid()
    {
        using ECDsa trusted = PolicyTestData.CreateKey();
        using ECDsa stranger = PolicyTestData.CreateKey();
        InMemoryPolicySource source = PolicyTestData.SourceWithPolicy(PolicySignature.Sign("stranger", PolicyTestData.Policy, stranger));
        PolicyVerification verification = PolicyVerification.RequireSignature(PolicyTestData.TrustStoreFor(trusted));

        GateDecision decision = await PolicyTestData.PinnedGate(source, verification).EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicySignatureInvalid, "'stranger', which is not in the trust store");
    }

    [Fact]
    public async Task EvaluateAsync_TamperedSignature_IsPolicySignatureInvalid()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        byte[] value = PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key).Value.ToArray();
        value[^1] ^= 0x01;
        InMemoryPolicySource source = PolicyTestData.SourceWithPolicy(new PolicySignature(PolicyTestData.KeyId, value));
        PolicyVerification verification = PolicyVerification.RequireSignature(PolicyTestData.TrustStoreFor(key));

        GateDecision decision = await PolicyTestData.PinnedGate(source, verification).EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicySignatureInvalid, "does not verify");
    }

    [Fact]
    public async Task EvaluateAsync_SignatureOverOtherBytesWithMatchingDigest_IsPolicySignatureInvalid()
    {
        // The pin's digest matches the bytes, but the trusted key signed different bytes: whoever chose the pin is not trusted.
        using ECDsa key = PolicyTestData.CreateKey();
        byte[] forged = Encoding.UTF8.GetBytes("""{ "roles": [ { "role": "intern", "maxAmount": 99999999 } ] }""");
        var source = new InMemoryPolicySource();
        PolicyPin forgedPin = source.Publish(PolicyTestData.Name, "9", forged, PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key));
        PolicyVerification verification = PolicyVerification.RequireSignature(PolicyTestData.TrustStoreFor(key));
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(forgedPin, source, RoleLimitPolicyCompiler.Compile, verification);

        GateDecision decision = await gate.EvaluateAsync(new PaymentRequest("intern", 1m));

        AssertBlocked(decision, GateCodes.PolicySignatureInvalid, "does not verify", forgedPin);
    }

    [Fact]
    public async Task EvaluateAsync_DigestOnly_IgnoresSignatures()
    {
        InMemoryPolicySource source = PolicyTestData.SourceWithPolicy(new PolicySignature("whoever", [1, 2, 3]));

        GateDecision decision = await PolicyTestData.PinnedGate(source, PolicyVerification.DigestOnly).EvaluateAsync(PolicyTestData.Allowed);

        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public async Task EvaluateAsync_SourceThrows_IsFaultWithTheException_NotCached_ThenRetried()
    {
        var source = new ScriptedPolicySource(PolicyTestData.SourceWithPolicy()) { Throw = new IOException("The share is offline.") };
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(source);

        GateDecision failed = await gate.EvaluateAsync(PolicyTestData.Allowed);
        source.Throw = null;
        GateDecision retried = await gate.EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(failed, GateCodes.Fault, "System.IO.IOException");
        Assert.IsType<IOException>(failed.Exception);
        Assert.True(retried.IsAllowed);
        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task EvaluateAsync_FailedLoad_IsRetriedEveryTime_UntilItSucceeds()
    {
        var source = new InMemoryPolicySource();
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(source);

        GateDecision first = await gate.EvaluateAsync(PolicyTestData.Allowed);
        GateDecision second = await gate.EvaluateAsync(PolicyTestData.Allowed);
        source.Publish(PolicyTestData.Name, PolicyTestData.Version, PolicyTestData.Policy);
        GateDecision third = await gate.EvaluateAsync(PolicyTestData.Allowed);

        Assert.Equal(GateCodes.PolicyMissing, first.Code);
        Assert.Equal(GateCodes.PolicyMissing, second.Code);
        Assert.True(third.IsAllowed);
    }

    [Fact]
    public async Task EvaluateAsync_AfterLoad_ReplacedBytesAreNeverSeen()
    {
        InMemoryPolicySource source = PolicyTestData.SourceWithPolicy();
        var scripted = new ScriptedPolicySource(source);
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(scripted);
        _ = await gate.EvaluateAsync(PolicyTestData.Allowed);

        source.Publish(PolicyTestData.Name, PolicyTestData.Version, Encoding.UTF8.GetBytes("""{ "roles": [] }"""));
        GateDecision decision = await gate.EvaluateAsync(PolicyTestData.Allowed);

        Assert.True(decision.IsAllowed);
        Assert.Equal(1, scripted.Loads);
    }

    [Fact]
    public async Task EvaluateAsync_CompilerThrows_IsPolicyInvalid()
    {
        InMemoryPolicySource source = PolicyTestData.SourceWithPolicy();
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(Pin, source, static _ => throw new FormatException("Unknown rule 'maybe'."));

        GateDecision decision = await gate.EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicyInvalid, "Unknown rule 'maybe'.");
        Assert.IsType<FormatException>(decision.Exception);
    }

    [Fact]
    public async Task EvaluateAsync_AuthenticButUncompilablePolicy_IsPolicyInvalid()
    {
        var source = new InMemoryPolicySource();
        PolicyPin pin = source.Publish("broken", "1", Encoding.UTF8.GetBytes("""{ "roles": [ { "role": "clerk", "maxAmount": -1 } ] }"""));

        GateDecision decision = await Gate.Pinned<PaymentRequest>(pin, source, RoleLimitPolicyCompiler.Compile).EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicyInvalid, "maxAmount", pin);
    }

    [Fact]
    public async Task EvaluateAsync_CompilerReturnsNull_IsPolicyInvalid()
    {
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(Pin, PolicyTestData.SourceWithPolicy(), static _ => null!);

        GateDecision decision = await gate.EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.PolicyInvalid, "returned null");
    }

    [Fact]
    public async Task EvaluateAsync_CompilerSeesTheVerifiedArtifact()
    {
        PolicyArtifact? seen = null;
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(Pin, PolicyTestData.SourceWithPolicy(), artifact =>
        {
            seen = artifact;
            return Gate.Allow<PaymentRequest>("compiled");
        });

        _ = await gate.EvaluateAsync(PolicyTestData.Allowed);

        Assert.NotNull(seen);
        Assert.Equal(Pin, seen.Pin);
        Assert.Equal(PolicyTestData.Policy, seen.Content.ToArray());
    }

    [Fact]
    public async Task EvaluateAsync_CompiledGateThrows_IsFaultCarryingThePinAndTheException()
    {
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(
            Pin,
            PolicyTestData.SourceWithPolicy(),
            static _ => Gate.Require<PaymentRequest>("throws", static _ => throw new InvalidOperationException("boom")));

        GateDecision decision = await gate.EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.Fault, "throws");
        Assert.IsType<InvalidOperationException>(decision.Exception);
    }

    [Fact]
    public async Task EvaluateAsync_CompiledGateFaultsAsynchronously_IsFaultCarryingThePin()
    {
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(
            Pin,
            PolicyTestData.SourceWithPolicy(),
            static _ => Gate.Require<PaymentRequest>("faults", static async (_, _) =>
            {
                await Task.Yield();
                throw new InvalidOperationException("late boom");
            }));

        GateDecision decision = await gate.EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(decision, GateCodes.Fault, "faults");
        Assert.IsType<InvalidOperationException>(decision.Exception);
    }

    [Fact]
    public async Task EvaluateAsync_CompiledGateReturnsDefault_IsUnsetAttributedToItCarryingThePin()
    {
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(
            Pin,
            PolicyTestData.SourceWithPolicy(),
            static _ => Gate.From<PaymentRequest>("undecided", static _ => default));

        GateDecision first = await gate.EvaluateAsync(PolicyTestData.Allowed);
        GateDecision loaded = await gate.EvaluateAsync(PolicyTestData.Allowed);

        Assert.All([first, loaded], static d =>
        {
            Assert.Equal(GateCodes.Unset, d.Code);
            Assert.Equal("undecided", d.Gate);
            Assert.False(d.IsAllowed);
            Assert.Equal(Pin, d.Pin);
        });
    }

    [Fact]
    public async Task EvaluateAsync_CanceledToken_IsCanceledCarryingThePin()
    {
        var scripted = new ScriptedPolicySource(PolicyTestData.SourceWithPolicy());
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(scripted);
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        GateDecision beforeLoad = await gate.EvaluateAsync(PolicyTestData.Allowed, canceled.Token);
        _ = await gate.EvaluateAsync(PolicyTestData.Allowed);
        GateDecision afterLoad = await gate.EvaluateAsync(PolicyTestData.Allowed, canceled.Token);

        AssertBlocked(beforeLoad, GateCodes.Canceled, "canceled");
        AssertBlocked(afterLoad, GateCodes.Canceled, "canceled");
        Assert.Equal(1, scripted.Loads);
    }

    [Fact]
    public async Task EvaluateAsync_CompiledGateCanceledMidEvaluation_KeepsTheCompiledGate()
    {
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var scripted = new ScriptedPolicySource(PolicyTestData.SourceWithPolicy());
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(
            Pin,
            scripted,
            _ => Gate.Require<PaymentRequest>("slow", (_, ct) => new ValueTask<bool>(release.Task.WaitAsync(ct))));
        using var cts = new CancellationTokenSource();

        ValueTask<GateDecision> pending = gate.EvaluateAsync(PolicyTestData.Allowed, cts.Token);
        await cts.CancelAsync();
        GateDecision canceled = await pending;
        release.SetResult(true);
        GateDecision next = await gate.EvaluateAsync(PolicyTestData.Allowed);

        AssertBlocked(canceled, GateCodes.Canceled, "canceled");
        Assert.True(next.IsAllowed);
        Assert.Equal(Pin, next.Pin);
        Assert.Equal(1, scripted.Loads);
    }

    [Fact]
    public void Pinned_InvalidArguments_Throw()
    {
        var source = new InMemoryPolicySource();
        Func<PolicyArtifact, Gate<PaymentRequest>> compile = RoleLimitPolicyCompiler.Compile;

        var exception = Assert.Throws<ArgumentException>(() => Gate.Pinned(default, source, compile));
        Assert.Contains("default(PolicyPin)", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => Gate.Pinned(Pin, null!, compile));
        Assert.Throws<ArgumentNullException>(() => Gate.Pinned<PaymentRequest>(Pin, source, null!));
        Assert.Throws<ArgumentException>(() => Gate.Pinned(" ", Pin, source, compile));
        Assert.Throws<ArgumentNullException>(() => PolicyVerification.RequireSignature(null!));
    }

    [Fact]
    public async Task EvaluateAsync_PinnedGateNestedInAPolicy_KeepsTheInnerPin()
    {
        // Regression: the outer pinned gate stamped its own pin over the decision of the inner policy that decided.
        var source = PolicyTestData.SourceWithPolicy();
        PolicyPin outer = source.Publish("envelope", "1", "{}"u8);
        Gate<PaymentRequest> gate = Gate.Pinned<PaymentRequest>(
            outer,
            source,
            _ => PolicyTestData.PinnedGate(source));

        GateDecision decision = await gate.EvaluateAsync(PolicyTestData.OverLimit);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal(PolicyTestData.Pin, decision.Pin);
    }

    [Fact]
    public async Task EvaluateAsync_AfterLoad_AllocatesNothing()
    {
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(PolicyTestData.SourceWithPolicy());
        Assert.True((await gate.EvaluateAsync(PolicyTestData.Allowed)).IsAllowed);

        // Warm both paths first: a first deny may initialize statics once (whether it does depends on which tests
        // ran before), and that one-time cost is not what this test measures.
        Assert.False((await gate.EvaluateAsync(PolicyTestData.OverLimit)).IsAllowed);
        _ = MeasureAllocations(gate, PolicyTestData.Allowed, PolicyTestData.OverLimit, out _);

        // Measured on one thread with no await inside, so every evaluation must complete synchronously.
        long allocated = MeasureAllocations(gate, PolicyTestData.Allowed, PolicyTestData.OverLimit, out int allowedCount);

        Assert.Equal(1_000, allowedCount);
        Assert.Equal(0, allocated);
    }

    private static long MeasureAllocations(Gate<PaymentRequest> gate, PaymentRequest allowed, PaymentRequest denied, out int allowedCount)
    {
        allowedCount = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            ValueTask<GateDecision> first = gate.EvaluateAsync(allowed);
            ValueTask<GateDecision> second = gate.EvaluateAsync(denied);
            if (first.IsCompletedSuccessfully && first.Result.IsAllowed && first.Result.Pin is not null
                && second.IsCompletedSuccessfully && !second.Result.IsAllowed && second.Result.Pin is not null)
            {
                allowedCount++;
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void AssertBlocked(GateDecision decision, string code, string reasonPart, PolicyPin? pin = null)
    {
        Assert.False(decision.IsAllowed);
        Assert.Equal(code, decision.Code);
        Assert.Contains(reasonPart, decision.Reason ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(pin ?? Pin, decision.Pin);
    }

    private sealed class SubstitutingSource(PolicyArtifact artifact) : IPolicySource
    {
        public ValueTask<PolicyArtifact?> TryLoadAsync(PolicyPin pin, CancellationToken cancellationToken) => new(artifact);
    }
}

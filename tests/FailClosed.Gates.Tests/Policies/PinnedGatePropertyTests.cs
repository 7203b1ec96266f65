using System.Security.Cryptography;
using FailClosed.Gates.Tests.TestUtilities;
using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Policies;

public sealed class PinnedGatePropertyTests
{
    /// <summary>A single-byte mutation of the pinned policy: where, and which bits flip (never none).</summary>
    private static readonly Arbitrary<(int Position, byte Mask)> Mutations =
        (from position in Gen.Choose(0, PolicyTestData.Policy.Length - 1)
         from mask in Gen.Choose(1, 255)
         select (position, (byte)mask)).ToArbitrary();

    [Fact]
    public void EvaluateAsync_AnySingleByteMutation_UnderTheOriginalPin_NeverAllows()
    {
        Prop.ForAll(Mutations, static mutation =>
        {
            var source = new InMemoryPolicySource();
            source.Publish(PolicyTestData.Name, PolicyTestData.Version, Mutate(mutation));
            GateDecision decision = EvaluateNow(PolicyTestData.PinnedGate(source));

            return !decision.IsAllowed && decision.Code == GateCodes.PolicyDigestMismatch;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void EvaluateAsync_AnySingleByteMutation_RepinnedButSignatureRequired_NeverAllows()
    {
        // Whoever can change both the bytes and the pin still cannot forge the publisher's signature.
        using ECDsa key = PolicyTestData.CreateKey();
        PolicySignature signature = PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key);
        PolicyVerification verification = PolicyVerification.RequireSignature(PolicyTestData.TrustStoreFor(key));

        Prop.ForAll(Mutations, mutation =>
        {
            var source = new InMemoryPolicySource();
            PolicyPin repinned = source.Publish(PolicyTestData.Name, PolicyTestData.Version, Mutate(mutation), signature);
            GateDecision decision = EvaluateNow(Gate.Pinned<PaymentRequest>(repinned, source, RoleLimitPolicyCompiler.Compile, verification));

            return !decision.IsAllowed && decision.Code == GateCodes.PolicySignatureInvalid;
        }).QuickCheckThrowOnFailure();
    }

    private static byte[] Mutate((int Position, byte Mask) mutation)
    {
        byte[] bytes = (byte[])PolicyTestData.Policy.Clone();
        bytes[mutation.Position] ^= mutation.Mask;
        return bytes;
    }

    /// <summary>Evaluates a request the original policy allows, trying every role the mutation might have opened up.</summary>
    private static GateDecision EvaluateNow(Gate<PaymentRequest> gate)
    {
        ValueTask<GateDecision> pending = gate.EvaluateAsync(PolicyTestData.Allowed);
        Assert.True(pending.IsCompletedSuccessfully, "An in-memory source completes synchronously.");
        return pending.Result;
    }
}

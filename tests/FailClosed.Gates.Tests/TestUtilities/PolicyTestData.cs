using System.Security.Cryptography;
using System.Text;

namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>Policies, keys and trust stores shared by the policy tests.</summary>
internal static class PolicyTestData
{
    public const string Name = "payments-release";

    public const string Version = "3";

    public const string KeyId = "release-2026";

    /// <summary>The role-limit policy most tests pin.</summary>
    public static byte[] Policy { get; } = Encoding.UTF8.GetBytes(
        """{ "roles": [ { "role": "clerk", "maxAmount": 1000 }, { "role": "treasurer", "maxAmount": 250000 } ] }""");

    /// <summary>A request the policy allows.</summary>
    public static PaymentRequest Allowed { get; } = new("clerk", 900m);

    /// <summary>A request the policy denies (over the clerk's limit).</summary>
    public static PaymentRequest OverLimit { get; } = new("clerk", 5_000m);

    public static PolicyPin Pin { get; } = PolicyPin.FromContent(Name, Version, Policy);

    /// <summary>Creates a fresh P-256 signing key.</summary>
    public static ECDsa CreateKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Creates a trust store holding the public part of <paramref name="key"/> under <paramref name="keyId"/>.</summary>
    public static PolicyTrustStore TrustStoreFor(ECDsa key, string keyId = KeyId) =>
        PolicyTrustStore.FromPem([new KeyValuePair<string, string>(keyId, key.ExportSubjectPublicKeyInfoPem())]);

    /// <summary>Creates a source holding <see cref="Policy"/> at <see cref="Pin"/>, optionally signed.</summary>
    public static InMemoryPolicySource SourceWithPolicy(PolicySignature? signature = null)
    {
        var source = new InMemoryPolicySource();
        source.Publish(Name, Version, Policy, signature);
        return source;
    }

    /// <summary>Creates the pinned gate most tests use.</summary>
    public static Gate<PaymentRequest> PinnedGate(IPolicySource source, PolicyVerification? verification = null) =>
        Gate.Pinned<PaymentRequest>(Pin, source, RoleLimitPolicyCompiler.Compile, verification);
}

using System.Security.Cryptography;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Policies;

public sealed class PolicyTrustStoreTests
{
    [Fact]
    public void FromPem_P256PublicKeys_KeepsTheirIds()
    {
        using ECDsa a = PolicyTestData.CreateKey();
        using ECDsa b = PolicyTestData.CreateKey();

        PolicyTrustStore store = PolicyTrustStore.FromPem(new Dictionary<string, string>
        {
            ["a"] = a.ExportSubjectPublicKeyInfoPem(),
            ["b"] = b.ExportSubjectPublicKeyInfoPem(),
        });

        Assert.Equal(["a", "b"], store.KeyIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FromPem_PrivateKey_IsRefused()
    {
        using ECDsa key = PolicyTestData.CreateKey();

        var exception = Assert.Throws<ArgumentException>(() => PolicyTrustStore.FromPem(Keys("k", key.ExportPkcs8PrivateKeyPem())));

        Assert.Contains("never private keys", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_P384Key_IsRefused()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var exception = Assert.Throws<ArgumentException>(() => PolicyTrustStore.FromPem(Keys("k", key.ExportSubjectPublicKeyInfoPem())));

        Assert.Contains("NIST P-256 only", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_RsaKey_IsRefused()
    {
        using RSA key = RSA.Create(1024);

        var exception = Assert.Throws<ArgumentException>(() => PolicyTrustStore.FromPem(Keys("k", key.ExportSubjectPublicKeyInfoPem())));

        Assert.Contains("not an ECDSA public key", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_TwoBlocksUnderOneId_IsRefused()
    {
        using ECDsa a = PolicyTestData.CreateKey();
        using ECDsa b = PolicyTestData.CreateKey();

        var exception = Assert.Throws<ArgumentException>(() =>
            PolicyTrustStore.FromPem(Keys("k", a.ExportSubjectPublicKeyInfoPem() + "\n" + b.ExportSubjectPublicKeyInfoPem())));

        Assert.Contains("more than one block", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_NotPem_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => PolicyTrustStore.FromPem(Keys("k", "hello")));
    }

    [Fact]
    public void FromPem_RepeatedId_IsRefused()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        string pem = key.ExportSubjectPublicKeyInfoPem();

        var exception = Assert.Throws<ArgumentException>(() => PolicyTrustStore.FromPem(
            [new KeyValuePair<string, string>("k", pem), new KeyValuePair<string, string>("k", pem)]));

        Assert.Contains("appears twice", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPem_BadId_IsRefused()
    {
        using ECDsa key = PolicyTestData.CreateKey();

        Assert.Throws<ArgumentException>(() => PolicyTrustStore.FromPem(Keys("../k", key.ExportSubjectPublicKeyInfoPem())));
    }

    [Fact]
    public void FromPem_Empty_IsRefused()
    {
        var exception = Assert.Throws<ArgumentException>(() => PolicyTrustStore.FromPem([]));

        Assert.Contains("at least one public key", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MissingUnknownOrBadSignature_SaysWhy()
    {
        using ECDsa trusted = PolicyTestData.CreateKey();
        using ECDsa stranger = PolicyTestData.CreateKey();
        PolicyTrustStore store = PolicyTestData.TrustStoreFor(trusted);
        byte[] content = PolicyTestData.Policy;

        Assert.Contains("no signature", store.Verify(content, null), StringComparison.Ordinal);
        Assert.Contains("not in the trust store", store.Verify(content, PolicySignature.Sign("other", content, stranger)), StringComparison.Ordinal);
        Assert.Contains("does not verify", store.Verify(content, PolicySignature.Sign(PolicyTestData.KeyId, content, stranger)), StringComparison.Ordinal);
        Assert.Contains("does not verify", store.Verify(content, new PolicySignature(PolicyTestData.KeyId, [0x30, 0x01, 0x00])), StringComparison.Ordinal);
        Assert.Null(store.Verify(content, PolicySignature.Sign(PolicyTestData.KeyId, content, trusted)));
    }

    private static KeyValuePair<string, string>[] Keys(string id, string pem) => [new(id, pem)];
}

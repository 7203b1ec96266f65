using System.Security.Cryptography;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Policies;

public sealed class PolicySignatureTests
{
    [Fact]
    public void Sign_ThenVerify_Succeeds()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        PolicySignature signature = PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key);

        Assert.Equal(PolicyTestData.KeyId, signature.KeyId);
        Assert.Null(PolicyTestData.TrustStoreFor(key).Verify(PolicyTestData.Policy, signature));
    }

    [Fact]
    public void Sign_IsDerEncoded_AsOpenSslWritesIt()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        PolicySignature signature = PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key);

        Assert.True(key.VerifyData(PolicyTestData.Policy, signature.Value.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(0x30, signature.Value.Span[0]);
    }

    [Fact]
    public void Sign_P384Key_ThrowsNamingTheCurve()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var exception = Assert.Throws<ArgumentException>(() => PolicySignature.Sign("k", PolicyTestData.Policy, key));

        Assert.Contains("NIST P-256 only", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_Parse_RoundTrips()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        PolicySignature signature = PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key);

        string text = signature.ToString();
        PolicySignature parsed = PolicySignature.Parse(text.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.StartsWith(PolicyTestData.KeyId + "\n", text, StringComparison.Ordinal);
        Assert.Equal(signature.KeyId, parsed.KeyId);
        Assert.True(signature.Value.Span.SequenceEqual(parsed.Value.Span));
    }

    [Theory]
    [InlineData("", "2 lines")]
    [InlineData("key-only", "1 line(s)")]
    [InlineData("k\nAAAA\nextra", "3 line(s)")]
    [InlineData("../k\nAAAA", "contains '..'")]
    [InlineData("k\nnot base64!", "not valid base64")]
    public void Parse_Malformed_ThrowsFormatException(string text, string rule)
    {
        var exception = Assert.Throws<FormatException>(() => PolicySignature.Parse(text));

        Assert.Contains(rule == "2 lines" ? "two lines" : rule, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptyValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PolicySignature("k", []));
    }

    [Fact]
    public void Constructor_CopiesTheValue()
    {
        byte[] value = [1, 2, 3];
        var signature = new PolicySignature("k", value);
        value[0] = 9;

        Assert.Equal(1, signature.Value.Span[0]);
    }
}

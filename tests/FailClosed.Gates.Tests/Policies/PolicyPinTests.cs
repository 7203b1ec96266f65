using System.Text;
using FailClosed.Gates.Tests.TestUtilities;
using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Policies;

public sealed class PolicyPinTests
{
    private const string Digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public void ToString_IsNameAtVersionHashSha256()
    {
        var pin = new PolicyPin("payments", "1.2.0", Digest);

        Assert.Equal($"payments@1.2.0#sha256:{Digest}", pin.ToString());
    }

    [Fact]
    public void Parse_TextForm_RoundTrips()
    {
        PolicyPin pin = PolicyPin.Parse($"payments@1.2.0+build_7#sha256:{Digest}");

        Assert.Equal("payments", pin.Name);
        Assert.Equal("1.2.0+build_7", pin.Version);
        Assert.Equal(Digest, pin.Sha256);
        Assert.Equal(pin, PolicyPin.Parse(pin.ToString()));
    }

    [Fact]
    public void Constructor_UppercaseDigest_IsStoredLowercase()
    {
        var pin = new PolicyPin("p", "1", Digest.ToUpperInvariant());

        Assert.Equal(Digest, pin.Sha256);
        Assert.Equal(new PolicyPin("p", "1", Digest), pin);
    }

    [Theory]
    [InlineData("", "1", "must not be empty")]
    [InlineData("a/b", "1", "path separator '/'")]
    [InlineData("a\\b", "1", "path separator '\\'")]
    [InlineData("a..b", "1", "contains '..'")]
    [InlineData("p", "..", "contains '..'")]
    [InlineData("p", "../2", "contains '..'")]
    [InlineData("p", "1/../../etc", "contains '..'")]
    [InlineData(".hidden", "1", "must start with an ASCII letter or digit")]
    [InlineData("p", "-1", "must start with an ASCII letter or digit")]
    [InlineData("p q", "1", "contains ' '")]
    [InlineData("p", "1:stream", "contains ':'")]
    [InlineData("p", "1@2", "contains '@'")]
    [InlineData("pé", "1", "contains 'é'")]
    public void Constructor_BadNameOrVersion_ThrowsNamingTheRule(string name, string version, string rule)
    {
        var exception = Assert.Throws<ArgumentException>(() => new PolicyPin(name, version, Digest));

        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TooLongName_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => new PolicyPin(new string('a', PolicyPin.MaxSegmentLength + 1), "1", Digest));

        Assert.Contains("at most 128", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "exactly 64 hex characters")]
    [InlineData(Digest + "0", "exactly 64 hex characters")]
    [InlineData("", "exactly 64 hex characters")]
    [InlineData("zf86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "'z', which is not a hex digit")]
    public void Constructor_BadDigest_ThrowsNamingTheRule(string sha256, string rule)
    {
        var exception = Assert.Throws<ArgumentException>(() => new PolicyPin("p", "1", sha256));

        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
        Assert.Equal("sha256", exception.ParamName);
    }

    [Theory]
    [InlineData("payments#sha256:" + Digest, "not of the form")]
    [InlineData("payments@1", "not of the form")]
    [InlineData("payments@1#" + Digest, "SHA-256 is the only supported algorithm")]
    [InlineData("payments@1#sha512:" + Digest, "SHA-256 is the only supported algorithm")]
    [InlineData("@1#sha256:" + Digest, "must not be empty")]
    [InlineData("payments@#sha256:" + Digest, "must not be empty")]
    [InlineData("../etc@1#sha256:" + Digest, "contains '..'")]
    [InlineData("payments@1/2#sha256:" + Digest, "path separator")]
    [InlineData("payments@1#sha256:abc", "exactly 64 hex characters")]
    [InlineData("payments@1#sha256:" + Digest + " ", "exactly 64 hex characters")]
    public void Parse_BadText_ThrowsFormatExceptionNamingTheRule(string text, string rule)
    {
        var exception = Assert.Throws<FormatException>(() => PolicyPin.Parse(text));

        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
        Assert.False(PolicyPin.TryParse(text, out PolicyPin pin));
        Assert.Equal(default, pin);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.False(PolicyPin.TryParse(null, out _));
    }

    [Fact]
    public void FromContent_UsesTheSha256OfTheBytes()
    {
        PolicyPin pin = PolicyPin.FromContent("p", "1", Encoding.UTF8.GetBytes("test"));

        Assert.Equal(Digest, pin.Sha256);
    }

    [Fact]
    public void IsDigestOf_SameBytes_True_OtherBytes_False()
    {
        PolicyPin pin = PolicyTestData.Pin;
        byte[] changed = (byte[])PolicyTestData.Policy.Clone();
        changed[^1] ^= 1;

        Assert.True(pin.IsDigestOf(PolicyTestData.Policy));
        Assert.False(pin.IsDigestOf(changed));
        Assert.False(pin.IsDigestOf([]));
    }

    [Fact]
    public void IsDigestOf_DefaultPin_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => default(PolicyPin).IsDigestOf([]));
    }

    [Fact]
    public void ToString_DefaultPin_IsEmpty()
    {
        Assert.Equal(string.Empty, default(PolicyPin).ToString());
    }

    [Fact]
    public void ParseFormat_AnyValidPin_RoundTrips()
    {
        Gen<char> first = Gen.Elements("abcxyzABCXYZ0189".ToCharArray());
        Gen<char> rest = Gen.Elements("abcXYZ09.-_+".ToCharArray());
        Gen<string> segment =
            from head in first
            from tail in Gen.ArrayOf(rest)
            let text = head + new string(tail)
            where !text.Contains("..", StringComparison.Ordinal) && text.Length <= PolicyPin.MaxSegmentLength
            select text;
        Gen<PolicyPin> pins =
            from name in segment
            from version in segment
            from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(static b => (byte)b))
            select PolicyPin.FromContent(name, version, bytes);

        Prop.ForAll(pins.ToArbitrary(), static pin => PolicyPin.Parse(pin.ToString()) == pin)
            .QuickCheckThrowOnFailure();
    }
}

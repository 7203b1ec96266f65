using System.Security.Cryptography;

namespace FailClosed.Gates.Tests.Evidence;

public sealed class EvidenceReceiptTests
{
    private static readonly byte[] s_hash = SHA256.HashData("record"u8);
    private static readonly string s_hex = Convert.ToHexStringLower(s_hash);

    [Fact]
    public void FromBytes_LeafHash_IsTheLowercaseHexOfTheBytes()
    {
        var receipt = new EvidenceReceipt(7, s_hash, 8);

        Assert.Equal(7, receipt.Sequence);
        Assert.Equal(s_hex, receipt.LeafHash);
        Assert.Equal(8, receipt.TreeSize);
    }

    [Fact]
    public void FromBytes_AndFromTheSameText_AreEqualWithTheSameHashCode()
    {
        var fromBytes = new EvidenceReceipt(7, s_hash, 8);
        var fromText = new EvidenceReceipt(7, s_hex, 8);

        Assert.Equal(fromText, fromBytes);
        Assert.Equal(fromBytes, fromText);
        Assert.True(fromBytes == fromText);
        Assert.Equal(fromText.GetHashCode(), fromBytes.GetHashCode());
        Assert.Equal(fromText.ToString(), fromBytes.ToString());
        Assert.Equal($"EvidenceReceipt {{ Sequence = 7, LeafHash = {s_hex}, TreeSize = 8 }}", fromBytes.ToString());
    }

    [Theory]
    [InlineData(6, 8, false)]
    [InlineData(7, 9, false)]
    [InlineData(7, 8, true)]
    public void Equality_DependsOnEveryMember(long sequence, long treeSize, bool changeHash)
    {
        byte[] other = (byte[])s_hash.Clone();
        if (changeHash)
        {
            other[31] ^= 1;
        }

        var receipt = new EvidenceReceipt(7, s_hash, 8);
        Assert.NotEqual(receipt, new EvidenceReceipt(sequence, other, treeSize));
        Assert.NotEqual(receipt, new EvidenceReceipt(sequence, Convert.ToHexStringLower(other), treeSize));
    }

    [Fact]
    public void FromBytes_DiffersFromUppercaseOrShortText()
    {
        // Text is compared as given, ordinal: a receipt's hash is lowercase hex, and anything else is another hash.
        var receipt = new EvidenceReceipt(7, s_hash, 8);

        Assert.NotEqual(receipt, new EvidenceReceipt(7, s_hex.ToUpperInvariant(), 8));
        Assert.NotEqual(receipt, new EvidenceReceipt(7, s_hex[..62], 8));
        Assert.NotEqual(receipt, new EvidenceReceipt(7, string.Empty, 8));
    }

    [Fact]
    public void With_LeafHash_ReplacesTheBytes()
    {
        var receipt = new EvidenceReceipt(7, s_hash, 8);

        EvidenceReceipt changed = receipt with { LeafHash = "other" };

        Assert.Equal("other", changed.LeafHash);
        Assert.Equal(new EvidenceReceipt(7, "other", 8), changed);
        Assert.NotEqual(receipt, changed);
        Assert.Equal(receipt, receipt with { Sequence = 7 });
    }

    [Fact]
    public void Default_HasNoHash_AndEqualsOnlyAReceiptWithoutOne()
    {
        EvidenceReceipt none = default;

        Assert.Null(none.LeafHash);
        Assert.Equal(new EvidenceReceipt(0, (string)null!, 0), none);
        Assert.NotEqual(new EvidenceReceipt(0, string.Empty, 0), none);
        Assert.NotEqual(new EvidenceReceipt(0, new byte[32], 0), none);
        Assert.Equal(new EvidenceReceipt(0, (string)null!, 0).GetHashCode(), none.GetHashCode());
    }

    [Fact]
    public void Deconstruct_GivesTheHashAsText()
    {
        (long sequence, string leafHash, long treeSize) = new EvidenceReceipt(7, s_hash, 8);

        Assert.Equal((7L, s_hex, 8L), (sequence, leafHash, treeSize));
    }
}

using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

/// <summary>The fast canonical check must accept exactly what decoding and re-encoding accepts.</summary>
public sealed class CanonicalEntryReaderTests
{
    private static readonly byte[] s_interesting = Encoding.ASCII.GetBytes("\"\\u0AaFf9 ,:{}[]nlbtr/+<&'`\x7F\x01").Append((byte)0xC3).Append((byte)0x80).ToArray();

    [Fact]
    public void Validate_AnyCanonicalEntry_AcceptsItWithItsSequence()
    {
        Prop.ForAll(EvidenceArbitraries.Records(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (record, seq) =>
        {
            byte[] entry = EvidenceEncoding.EncodeEntry(seq, new byte[32], EvidenceEncoding.EncodeContent(record));
            return CanonicalEntryReader.Validate(entry, out long sequence) is null && sequence == seq;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Validate_MutatedEntries_AgreesWithDecode()
    {
        Gen<(int Kind, int Position, byte Value)> mutation =
            from kind in Gen.Choose(0, 2)
            from position in Gen.Choose(0, int.MaxValue)
            from value in Gen.Elements(s_interesting)
            select (kind, position, value);
        Arbitrary<(int, int, byte)[]> mutations = Gen.Choose(1, 3).SelectMany(n => mutation.ArrayOf(n)).ToArbitrary();

        Prop.ForAll(EvidenceArbitraries.Records(), mutations, (record, changes) =>
        {
            var entry = EvidenceEncoding.EncodeEntry(12, new byte[32], EvidenceEncoding.EncodeContent(record)).ToList();
            foreach ((int kind, int position, byte value) in changes)
            {
                int at = position % entry.Count;
                switch (kind)
                {
                    case 0: entry[at] = value; break;
                    case 1: entry.Insert(at, value); break;
                    default: entry.RemoveAt(at); break;
                }
            }

            byte[] bytes = [.. entry];
            bool fast = CanonicalEntryReader.Validate(bytes, out long sequence) is null;
            bool slow;
            long slowSequence = -1;
            try
            {
                slowSequence = EvidenceEncoding.Decode(bytes).Sequence;
                slow = true;
            }
            catch (FormatException)
            {
                slow = false;
            }

            return fast == slow && (!fast || sequence == slowSequence);
        }).Label("fast and slow canonical checks agree").Check(Config.QuickThrowOnFailure.WithMaxTest(1500));
    }

    [Theory]
    [InlineData("\\u0041")]
    [InlineData("\\u00e9")]
    [InlineData("\\/")]
    [InlineData("\\\"")]
    [InlineData("\\u005C")]
    [InlineData("\\u000A")]
    [InlineData("\\uD800")]
    [InlineData("\\uDC00")]
    [InlineData("<")]
    [InlineData("\u00e9")]
    public void Validate_NonCanonicalEscape_IsRejectedLikeDecode(string body)
    {
        byte[] entry = EvidenceEncoding.EncodeEntry(0, new byte[32], EvidenceEncoding.EncodeContent(EvidenceSamples.Record() with { Gate = "GATE" }));
        byte[] altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(entry).Replace("GATE", body, StringComparison.Ordinal));

        Assert.NotNull(CanonicalEntryReader.Validate(altered, out _));
        Assert.Throws<FormatException>(() => EvidenceEncoding.Decode(altered));
    }

    [Theory]
    [InlineData("\\u0022")]
    [InlineData("\\u00E9")]
    [InlineData("\\uD83D\\uDE00")]
    [InlineData("\\n\\\\")]
    [InlineData("\\u007F")]
    public void Validate_CanonicalEscape_IsAccepted(string body)
    {
        byte[] entry = EvidenceEncoding.EncodeEntry(0, new byte[32], EvidenceEncoding.EncodeContent(EvidenceSamples.Record() with { Gate = "GATE" }));
        byte[] altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(entry).Replace("GATE", body, StringComparison.Ordinal));

        Assert.Null(CanonicalEntryReader.Validate(altered, out _));
        EvidenceEncoding.Decode(altered);
    }
}

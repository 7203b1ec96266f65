using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

public sealed class EvidenceEncodingTests
{
    private static readonly byte[] s_zero = new byte[32];

    [Fact]
    public void EncodeEntry_KnownRecord_IsTheDocumentedCanonicalJson()
    {
        EvidenceRecord record = EvidenceSamples.Record(1);

        byte[] entry = EvidenceEncoding.EncodeEntry(7, s_zero, EvidenceEncoding.EncodeContent(record));

        Assert.Equal(
            "{\"v\":1,\"seq\":7,\"prev\":\"" + new string('0', 64) + "\",\"ts\":\"2026-01-01T00:00:00.0000001Z\",\"kind\":\"Intent\","
            + "\"action\":\"payments.release\",\"verdict\":\"Deny\",\"code\":\"Denied\",\"gate\":\"under-limit\","
            + "\"pins\":[{\"name\":\"limits\",\"version\":\"3\",\"sha256\":\"" + new string('a', 64) + "\"}],"
            + "\"subject\":\"payment-1\",\"executionId\":\"corr-1\",\"traceId\":null,\"detail\":null}",
            Encoding.UTF8.GetString(entry));
    }

    [Fact]
    public void Decode_OfEncode_RoundTripsAnyRecord()
    {
        Arbitrary<EvidenceRecord> records = EvidenceArbitraries.Records();

        Prop.ForAll(records, record =>
        {
            byte[] entry = EvidenceEncoding.EncodeEntry(42, s_zero, EvidenceEncoding.EncodeContent(record));
            EvidenceRecord decoded = EvidenceEncoding.Decode(entry);
            return decoded.Sequence == 42
                && decoded.PreviousHash == new string('0', 64)
                && decoded.Timestamp == record.Timestamp
                && decoded.Timestamp.Offset == TimeSpan.Zero
                && decoded.Kind == record.Kind
                && decoded.Verdict == record.Verdict
                && decoded.Action == record.Action
                && decoded.Code == record.Code
                && decoded.Gate == record.Gate
                && decoded.Pins.SequenceEqual(record.Pins)
                && decoded.Subject == record.Subject
                && decoded.ExecutionId == record.ExecutionId
                && decoded.TraceId == record.TraceId
                && decoded.Detail == record.Detail;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void EncodeContent_RecordsOfPlainCharacters_TakeTheDirectPath_AndMatchTheJsonWriterByteForByte()
    {
        // Every character the direct path may copy, and strings of them up to 80 long (empty and null too).
        const string Plain = " !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~";
        Gen<string> plain = Gen.Choose(0, 80).SelectMany(n => Gen.Elements(Plain.ToCharArray()).ArrayOf(n)).Select(static c => new string(c));
        Gen<string?> optional = Gen.OneOf(plain.Select(static s => (string?)s), Gen.Constant<string?>(null));
        Gen<EvidenceRecord> records =
            from record in EvidenceArbitraries.Records().Generator
            from action in plain
            from code in plain
            from gate in plain
            from subject in optional
            from id in plain
            from trace in optional
            from detail in optional
            select record with
            {
                Action = action, Code = code, Gate = gate, Subject = subject, ExecutionId = id, TraceId = trace, Detail = detail,
                Pins = record.Pins.Where(static pin => !pin.Name.Contains('+', StringComparison.Ordinal)).ToArray(), // '+' is escaped
            };

        Prop.ForAll(records.ToArbitrary(), static record =>
        {
            var direct = new System.Buffers.ArrayBufferWriter<byte>();
            bool tookDirectPath = EvidenceEncoding.TryWritePlainContent(direct, record);
            byte[] reference = EvidenceEncoding.EncodeContentWithJsonWriter(record);
            return (tookDirectPath
                && direct.WrittenSpan[1..].SequenceEqual(reference)
                && EvidenceEncoding.EncodeContent(record).AsSpan().SequenceEqual(reference))
                .Label($"direct path {tookDirectPath}: {Encoding.UTF8.GetString(direct.WrittenSpan)} vs {Encoding.UTF8.GetString(reference)}");
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void EncodeContent_AnyRecord_MatchesTheJsonWriterByteForByte()
    {
        // Records with escaped, non-ASCII and control characters go through the JSON writer; plain ones do not.
        Prop.ForAll(EvidenceArbitraries.Records(), static record =>
            EvidenceEncoding.EncodeContent(record).AsSpan().SequenceEqual(EvidenceEncoding.EncodeContentWithJsonWriter(record))).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("quote\"")]
    [InlineData("a&b")]
    [InlineData("a+b")]
    [InlineData("<tag>")]
    [InlineData("back\\slash")]
    [InlineData("tick`")]
    [InlineData("apos'")]
    [InlineData("naïve")]
    [InlineData("line\nbreak")]
    public void TryWritePlainContent_AStringThatNeedsEscaping_WritesNothing(string action)
    {
        EvidenceRecord record = EvidenceSamples.Record(1) with { Action = action };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        Assert.False(EvidenceEncoding.TryWritePlainContent(buffer, record));
        Assert.Equal(0, buffer.WrittenCount);
        Assert.DoesNotContain(action, Encoding.UTF8.GetString(EvidenceEncoding.EncodeContent(record)), StringComparison.Ordinal); // escaped instead
    }

    [Fact]
    public void MeasureContent_AnyRecord_EqualsTheEncodedLength()
    {
        Prop.ForAll(EvidenceArbitraries.Records(), static record =>
            EvidenceEncoding.MeasureContent(record) == EvidenceEncoding.EncodeContent(record).Length).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FindProblem_AnyRecordWithOrWithoutALoneSurrogate_AgreesWithEncodeContent()
    {
        Arbitrary<(EvidenceRecord Record, int Damage)> cases = EvidenceArbitraries.Records().Generator
            .Zip(Gen.Choose(0, 3))
            .ToArbitrary();

        Prop.ForAll(cases, static c =>
        {
            EvidenceRecord record = c.Damage switch
            {
                1 => c.Record with { Subject = (c.Record.Subject ?? string.Empty) + "\ud800" },
                2 => c.Record with { TraceId = "\udc00" + c.Record.TraceId },
                3 => c.Record with { Detail = new string('<', EvidenceEncoding.MaxContentBytes / 6) },
                _ => c.Record,
            };
            bool encodes;
            try
            {
                _ = EvidenceEncoding.EncodeContent(record);
                encodes = true;
            }
            catch (ArgumentException)
            {
                encodes = false;
            }

            return (EvidenceEncoding.FindProblem(record, 0) is null) == encodes;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void FindProblem_DefaultPin_NamesIt()
    {
        EvidenceRecord record = EvidenceSamples.Record() with { Pins = [default] };

        Assert.Contains("pin", EvidenceEncoding.FindProblem(record, 0), StringComparison.Ordinal);
    }

    [Fact]
    public void FindProblem_ReserveThatNoLongerFits_NamesTheLimit()
    {
        EvidenceRecord record = EvidenceSamples.Record() with { Detail = string.Empty };
        long free = EvidenceEncoding.MaxContentBytes - EvidenceEncoding.MeasureContent(record);

        Assert.Null(EvidenceEncoding.FindProblem(record, (int)free));
        Assert.Contains(EvidenceEncoding.MaxContentBytes.ToString(CultureInfo.InvariantCulture), EvidenceEncoding.FindProblem(record, (int)free + 1), StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeContent_SameRecord_GivesSameBytes()
    {
        EvidenceRecord record = EvidenceSamples.Record(3) with { Subject = "naïve <é> \"quoted\"" };

        Assert.Equal(EvidenceEncoding.EncodeContent(record), EvidenceEncoding.EncodeContent(record with { }));
        Assert.All(EvidenceEncoding.EncodeContent(record), static b => Assert.True(b < 0x80));
    }

    [Fact]
    public void EncodeContent_Over64KiB_ThrowsNamingTheLimit()
    {
        EvidenceRecord record = EvidenceSamples.Record() with { Detail = new string('x', 64 * 1024) };

        var exception = Assert.Throws<ArgumentException>(() => EvidenceEncoding.EncodeContent(record));

        Assert.Contains("65536", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeContent_JustUnderTheLimit_FitsEveryPosition()
    {
        EvidenceRecord record = EvidenceSamples.Record() with { Detail = string.Empty };
        int overhead = EvidenceEncoding.EncodeContent(record).Length;
        EvidenceRecord largest = record with { Detail = new string('x', EvidenceEncoding.MaxContentBytes - overhead) };

        byte[] content = EvidenceEncoding.EncodeContent(largest);
        byte[] entry = EvidenceEncoding.EncodeEntry(long.MaxValue, s_zero, content);

        Assert.Equal(EvidenceEncoding.MaxEntryBytes, entry.Length);
        Assert.Throws<ArgumentException>(() => EvidenceEncoding.EncodeContent(largest with { Detail = largest.Detail + "x" }));
    }

    [Fact]
    public void EncodeContent_UndefinedKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => EvidenceEncoding.EncodeContent(EvidenceSamples.Record() with { Kind = (EvidenceKind)99 }));
    }

    [Fact]
    public void EncodeContent_UndefinedVerdict_Throws()
    {
        Assert.Throws<ArgumentException>(() => EvidenceEncoding.EncodeContent(EvidenceSamples.Record() with { Verdict = (Verdict)9 }));
    }

    [Fact]
    public void EncodeContent_NullAction_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => EvidenceEncoding.EncodeContent(EvidenceSamples.Record() with { Action = null! }));
    }

    [Fact]
    public void EncodeContent_LoneSurrogate_Throws()
    {
        Assert.Throws<ArgumentException>(() => EvidenceEncoding.EncodeContent(EvidenceSamples.Record() with { Subject = "a\ud800" }));
        Assert.Throws<ArgumentException>(() => EvidenceEncoding.EncodeContent(EvidenceSamples.Record() with { Detail = "\udc00b" }));
    }

    [Theory]
    [InlineData("{\"v\":1, \"seq\":0")]
    [InlineData("{\"v\":2,\"seq\":0")]
    [InlineData("{\"seq\":0,\"v\":1")]
    public void Decode_NonCanonicalEntry_ThrowsFormatException(string start)
    {
        byte[] entry = EvidenceEncoding.EncodeEntry(0, s_zero, EvidenceEncoding.EncodeContent(EvidenceSamples.Record()));
        string text = Encoding.UTF8.GetString(entry);
        string altered = start + text["{\"v\":1,\"seq\":0".Length..];

        Assert.Throws<FormatException>(() => EvidenceEncoding.Decode(Encoding.UTF8.GetBytes(altered)));
    }

    [Fact]
    public void Decode_EscapedFormOfAPlainCharacter_IsNotCanonical()
    {
        byte[] entry = EvidenceEncoding.EncodeEntry(0, s_zero, EvidenceEncoding.EncodeContent(EvidenceSamples.Record()));
        string altered = Encoding.UTF8.GetString(entry).Replace("corr-0", "\\u0063orr-0", StringComparison.Ordinal);

        Assert.Throws<FormatException>(() => EvidenceEncoding.Decode(Encoding.UTF8.GetBytes(altered)));
    }
}

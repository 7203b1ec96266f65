using System.Buffers;
using System.Text;

namespace FailClosed.Gates;

/// <summary>
/// The encoder's fast path: a validated record whose strings hold only <see cref="PlainCharacters"/> encodes to
/// exactly the bytes <see cref="System.Text.Json.Utf8JsonWriter"/> writes for it (each such character is one byte,
/// never escaped), so they are written directly. Any other record goes through the JSON writer.
/// </summary>
internal static partial class EvidenceEncoding
{
    /// <summary>
    /// Writes <c>{</c> and the content of <paramref name="record"/> (already validated) into <paramref name="buffer"/>
    /// and returns <see langword="true"/>, or writes nothing and returns <see langword="false"/> when some string
    /// needs escaping or the record is too large for this path.
    /// </summary>
    internal static bool TryWritePlainContent(ArrayBufferWriter<byte> buffer, EvidenceRecord record)
    {
        IReadOnlyList<PolicyPin> pins = record.Pins;
        int count = pins.Count;
        long length = 1 + FixedContentBytes + KindName(record.Kind).Length + VerdictName(record.Verdict).Length;
        if (!AddPlain(ref length, record.Action) || !AddPlain(ref length, record.Code) || !AddPlain(ref length, record.Gate)
            || !AddPlain(ref length, record.Subject) || !AddPlain(ref length, record.ExecutionId)
            || !AddPlain(ref length, record.TraceId) || !AddPlain(ref length, record.Detail))
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            PolicyPin pin = pins[i];
            length += FixedPinBytes - (i == 0 ? 1 : 0);
            if (!AddPlain(ref length, pin.Name) || !AddPlain(ref length, pin.Version) || !AddPlain(ref length, pin.Sha256))
            {
                return false;
            }
        }

        if (length > MaxEntryBytes)
        {
            return false; // the JSON writer's path reports the size
        }

        Span<byte> destination = buffer.GetSpan((int)length);
        int at = 0;
        Write(destination, ref at, "{\"ts\":\""u8);
        WriteTimestamp(destination, ref at, record.Timestamp.UtcDateTime);
        Write(destination, ref at, "\",\"kind\":\""u8);
        WriteAscii(destination, ref at, KindName(record.Kind));
        Write(destination, ref at, "\",\"action\":"u8);
        WriteString(destination, ref at, record.Action);
        Write(destination, ref at, ",\"verdict\":\""u8);
        WriteAscii(destination, ref at, VerdictName(record.Verdict));
        Write(destination, ref at, "\",\"code\":"u8);
        WriteString(destination, ref at, record.Code);
        Write(destination, ref at, ",\"gate\":"u8);
        WriteString(destination, ref at, record.Gate);
        Write(destination, ref at, ",\"pins\":["u8);
        for (int i = 0; i < count; i++)
        {
            PolicyPin pin = pins[i];
            Write(destination, ref at, i == 0 ? "{\"name\":"u8 : ",{\"name\":"u8);
            WriteString(destination, ref at, pin.Name);
            Write(destination, ref at, ",\"version\":"u8);
            WriteString(destination, ref at, pin.Version);
            Write(destination, ref at, ",\"sha256\":"u8);
            WriteString(destination, ref at, pin.Sha256);
            Write(destination, ref at, "}"u8);
        }

        Write(destination, ref at, "],\"subject\":"u8);
        WriteString(destination, ref at, record.Subject);
        Write(destination, ref at, ",\"executionId\":"u8);
        WriteString(destination, ref at, record.ExecutionId);
        Write(destination, ref at, ",\"traceId\":"u8);
        WriteString(destination, ref at, record.TraceId);
        Write(destination, ref at, ",\"detail\":"u8);
        WriteString(destination, ref at, record.Detail);
        Write(destination, ref at, "}"u8);

        if (at != length)
        {
            // The measured and written lengths disagree: a bug here, never a reason to write different evidence.
            throw new InvalidOperationException($"The plain evidence encoder wrote {at} bytes where it measured {length}.");
        }

        buffer.Advance(at);
        return true;
    }

    /// <summary>Writes <paramref name="utc"/> as <see cref="TimestampFormat"/> does (28 bytes), without parsing a format.</summary>
    private static void WriteTimestamp(Span<byte> destination, ref int at, DateTime utc)
    {
        Span<byte> ts = destination.Slice(at, 28);
        WriteDigits(ts[..4], utc.Year);
        ts[4] = (byte)'-';
        WriteDigits(ts.Slice(5, 2), utc.Month);
        ts[7] = (byte)'-';
        WriteDigits(ts.Slice(8, 2), utc.Day);
        ts[10] = (byte)'T';
        WriteDigits(ts.Slice(11, 2), utc.Hour);
        ts[13] = (byte)':';
        WriteDigits(ts.Slice(14, 2), utc.Minute);
        ts[16] = (byte)':';
        WriteDigits(ts.Slice(17, 2), utc.Second);
        ts[19] = (byte)'.';
        WriteDigits(ts.Slice(20, 7), (int)(utc.Ticks % TimeSpan.TicksPerSecond));
        ts[27] = (byte)'Z';
        at += 28;
    }

    /// <summary>Writes <paramref name="value"/> in exactly <c>destination.Length</c> decimal digits, zero-padded.</summary>
    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>Adds the quoted length of <paramref name="value"/> (4 for null); false when it needs escaping.</summary>
    private static bool AddPlain(ref long length, string? value)
    {
        if (value is null)
        {
            length += 4;
            return true;
        }

        length += value.Length + 2;
        return !value.AsSpan().ContainsAnyExcept(PlainCharacters);
    }

    private static void Write(Span<byte> destination, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        at += bytes.Length;
    }

    private static void WriteAscii(Span<byte> destination, ref int at, string value) =>
        at += Encoding.ASCII.GetBytes(value, destination[at..]);

    private static void WriteString(Span<byte> destination, ref int at, string? value)
    {
        if (value is null)
        {
            Write(destination, ref at, "null"u8);
            return;
        }

        destination[at++] = (byte)'"';
        WriteAscii(destination, ref at, value);
        destination[at++] = (byte)'"';
    }
}

using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FailClosed.Gates;

/// <summary>
/// The canonical, versioned encoding of an <see cref="EvidenceRecord"/> (an "entry"): compact UTF-8 JSON with a
/// fixed property order, written by <see cref="Utf8JsonWriter"/> with its default (ASCII-only) escaping.
/// See docs/journal-format.md.
/// </summary>
/// <remarks>
/// An entry is split in two: a prefix the sink writes when it assigns the position
/// (<c>{"v":1,"seq":N,"prev":"hex",</c>) and the content the caller's record fixes (<c>"ts":…}</c>). The content is
/// encoded once, before the record is queued, so an oversized or invalid record is refused before anything is
/// written.
/// </remarks>
internal static partial class EvidenceEncoding
{
    /// <summary>The encoding version written in the <c>v</c> property.</summary>
    public const int Version = 1;

    /// <summary>The largest entry accepted, in bytes.</summary>
    public const int MaxEntryBytes = 64 * 1024;

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly byte[] s_prefixStart = "{\"v\":1,\"seq\":"u8.ToArray();
    private static readonly byte[] s_prefixPrev = ",\"prev\":\""u8.ToArray();
    private static readonly byte[] s_prefixEnd = "\","u8.ToArray();

    /// <summary>The longest possible prefix: the longest sequence number and a 64-character hash.</summary>
    public static readonly int MaxPrefixLength = s_prefixStart.Length + 19 + s_prefixPrev.Length + 64 + s_prefixEnd.Length;

    /// <summary>The largest content accepted, so that every entry fits <see cref="MaxEntryBytes"/> whatever its position.</summary>
    public static readonly int MaxContentBytes = MaxEntryBytes - MaxPrefixLength;

    private static readonly JsonWriterOptions s_writerOptions = new() { Indented = false, SkipValidation = false };

    [ThreadStatic]
    private static ReEncoder? t_reEncoder;

    /// <summary>Encodes the content of <paramref name="record"/> (everything the caller fills).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> or one of its required strings or pins is null.</exception>
    /// <exception cref="ArgumentException">The record is invalid or its encoding exceeds <see cref="MaxContentBytes"/>.</exception>
    public static byte[] EncodeContent(EvidenceRecord record)
    {
        using EncodedContent encoded = Encode(record);
        return encoded.Content.ToArray();
    }

    /// <summary>
    /// Encodes the content of <paramref name="record"/> into this thread's reusable buffer, for a sink that uses it at
    /// once and keeps nothing; dispose the result on the same thread before encoding another record.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> or one of its required strings or pins is null.</exception>
    /// <exception cref="ArgumentException">The record is invalid or its encoding exceeds <see cref="MaxContentBytes"/>.</exception>
    public static EncodedContent Encode(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Validate(record);

        // The JSON writer grows its buffer 4 KiB at a time: reuse one per thread rather than allocate it per record.
        ReEncoder encoder = Rent();
        try
        {
            // Most records hold only characters the JSON writer copies as they are: write those bytes directly.
            if (!TryWritePlainContent(encoder.Buffer, record))
            {
                WriteContent(encoder.Writer, record);
                encoder.Writer.Flush();
            }

            // Drop the leading '{': the prefix opens the object.
            int length = encoder.Buffer.WrittenCount - 1;
            if (length > MaxContentBytes)
            {
                throw new ArgumentException(
                    $"The evidence record for action '{record.Action}' encodes to {length + MaxPrefixLength} bytes at most, more than the limit of {MaxEntryBytes} bytes; nothing was written.",
                    nameof(record));
            }

            return new EncodedContent(encoder);
        }
        catch
        {
            Return(encoder);
            throw;
        }
    }

    /// <summary>
    /// Encodes <paramref name="record"/> with <see cref="Utf8JsonWriter"/> only (the reference the plain path must
    /// match byte for byte), for tests.
    /// </summary>
    internal static byte[] EncodeContentWithJsonWriter(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Validate(record);
        ReEncoder encoder = Rent();
        try
        {
            WriteContent(encoder.Writer, record);
            encoder.Writer.Flush();
            return encoder.Buffer.WrittenSpan[1..].ToArray();
        }
        finally
        {
            Return(encoder);
        }
    }

    private static void WriteContent(Utf8JsonWriter writer, EvidenceRecord record)
    {
        Span<char> ts = stackalloc char[32];
        if (!record.Timestamp.UtcDateTime.TryFormat(ts, out int tsLength, TimestampFormat, CultureInfo.InvariantCulture))
        {
            throw new ArgumentException($"The evidence record's timestamp '{record.Timestamp}' cannot be formatted.", nameof(record));
        }

        try
        {
            writer.WriteStartObject();
            writer.WriteString("ts"u8, ts[..tsLength]);
            writer.WriteString("kind"u8, KindName(record.Kind));
            writer.WriteString("action"u8, record.Action);
            writer.WriteString("verdict"u8, VerdictName(record.Verdict));
            writer.WriteString("code"u8, record.Code);
            writer.WriteString("gate"u8, record.Gate);
            writer.WriteStartArray("pins"u8);
            foreach (PolicyPin pin in record.Pins)
            {
                writer.WriteStartObject();
                writer.WriteString("name"u8, pin.Name);
                writer.WriteString("version"u8, pin.Version);
                writer.WriteString("sha256"u8, pin.Sha256);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("subject"u8, record.Subject);
            writer.WriteString("executionId"u8, record.ExecutionId);
            writer.WriteString("traceId"u8, record.TraceId);
            writer.WriteString("detail"u8, record.Detail);
            writer.WriteEndObject();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(
                $"The evidence record for action '{record.Action}' cannot be encoded: a string is too long ({ex.Message}).",
                nameof(record),
                ex);
        }
    }

    /// <summary>Returns where the previous hash's 64 hex characters start in the entry of <paramref name="sequence"/>.</summary>
    public static int PreviousHashOffset(long sequence) => s_prefixStart.Length + DigitCount(sequence) + s_prefixPrev.Length;

    /// <summary>Returns the length of the entry for <paramref name="sequence"/> and content of <paramref name="contentLength"/> bytes.</summary>
    public static int EntryLength(long sequence, int contentLength) =>
        s_prefixStart.Length + DigitCount(sequence) + s_prefixPrev.Length + 64 + s_prefixEnd.Length + contentLength;

    /// <summary>Writes the whole entry (prefix and content) into <paramref name="destination"/> and returns its length.</summary>
    public static int WriteEntry(long sequence, ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> content, Span<byte> destination)
    {
        int at = 0;
        s_prefixStart.CopyTo(destination);
        at += s_prefixStart.Length;
        if (!Utf8Formatter.TryFormat(sequence, destination[at..], out int written))
        {
            throw new ArgumentException("The destination is too small for the entry.", nameof(destination));
        }

        at += written;
        s_prefixPrev.CopyTo(destination[at..]);
        at += s_prefixPrev.Length;
        if (Convert.TryToHexStringLower(previousHash, destination[at..], out written) is false || written != 64)
        {
            throw new ArgumentException("The previous hash must be 32 bytes.", nameof(previousHash));
        }

        at += written;
        s_prefixEnd.CopyTo(destination[at..]);
        at += s_prefixEnd.Length;
        content.CopyTo(destination[at..]);
        return at + content.Length;
    }

    /// <summary>Encodes a whole entry.</summary>
    public static byte[] EncodeEntry(long sequence, ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> content)
    {
        var entry = new byte[EntryLength(sequence, content.Length)];
        int length = WriteEntry(sequence, previousHash, content, entry);
        return length == entry.Length ? entry : entry[..length];
    }

    /// <summary>
    /// Decodes an entry and checks that it is canonical (re-encoding it gives the same bytes).
    /// </summary>
    /// <returns>The record with <see cref="EvidenceRecord.Sequence"/> and <see cref="EvidenceRecord.PreviousHash"/>
    /// set and <see cref="EvidenceRecord.Hash"/> empty.</returns>
    /// <exception cref="FormatException">The entry is not a canonical version-1 entry.</exception>
    public static EvidenceRecord Decode(ReadOnlySpan<byte> entry)
    {
        EvidenceRecord record;
        try
        {
            record = Parse(entry);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The entry is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException($"The entry does not have the expected shape: {ex.Message}", ex);
        }

        if (!IsCanonical(entry, record))
        {
            throw new FormatException("The entry is not in canonical form: re-encoding its record gives different bytes.");
        }

        return record;
    }

    private static bool IsCanonical(ReadOnlySpan<byte> entry, EvidenceRecord record)
    {
        Span<byte> previous = stackalloc byte[EvidenceHashing.HashSize];
        if (Convert.FromHexString(record.PreviousHash, previous, out _, out _) != OperationStatus.Done)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[MaxPrefixLength];
        int prefixLength = WriteEntry(record.Sequence, previous, [], prefix);
        if (!entry.StartsWith(prefix[..prefixLength]))
        {
            return false;
        }

        ReEncoder encoder = Rent();
        try
        {
            Validate(record);
            WriteContent(encoder.Writer, record);
            encoder.Writer.Flush();

            // Skip the content's leading '{': the prefix opened the object.
            return entry[prefixLength..].SequenceEqual(encoder.Buffer.WrittenSpan[1..]);
        }
        catch (ArgumentException)
        {
            return false;
        }
        finally
        {
            Return(encoder);
        }
    }

    private static ReEncoder Rent()
    {
        ReEncoder encoder = t_reEncoder ?? new ReEncoder();
        t_reEncoder = null;
        encoder.Buffer.ResetWrittenCount();
        encoder.Writer.Reset(encoder.Buffer);
        return encoder;
    }

    private static void Return(ReEncoder encoder)
    {
        // Keep the buffer for the next record unless an oversized one blew it up.
        if (encoder.Buffer.Capacity <= 2 * MaxEntryBytes)
        {
            t_reEncoder = encoder;
        }
    }

    private static EvidenceRecord Parse(ReadOnlySpan<byte> entry)
    {
        var reader = new Utf8JsonReader(entry, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 4 });
        Expect(ref reader, JsonTokenType.StartObject);
        Property(ref reader, "v"u8);
        Expect(ref reader, JsonTokenType.Number);
        if (!reader.TryGetInt32(out int version) || version != Version)
        {
            throw new FormatException($"The entry has encoding version '{Encoding.UTF8.GetString(reader.ValueSpan)}'; only version {Version} is known.");
        }

        Property(ref reader, "seq"u8);
        Expect(ref reader, JsonTokenType.Number);
        if (!reader.TryGetInt64(out long sequence) || sequence < 0)
        {
            throw new FormatException("The entry's sequence is not a non-negative 64-bit integer.");
        }

        string previous = RequiredString(ref reader, "prev"u8);
        if (EvidenceHashing.TryParseHex(previous) is null)
        {
            throw new FormatException($"The entry's previous hash '{previous}' is not 64 hex characters.");
        }

        string timestamp = RequiredString(ref reader, "ts"u8);
        if (!DateTimeOffset.TryParseExact(timestamp, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset ts))
        {
            throw new FormatException($"The entry's timestamp '{timestamp}' is not in the form {TimestampFormat}.");
        }

        string kindName = RequiredString(ref reader, "kind"u8);
        if (!Enum.TryParse(kindName, ignoreCase: false, out EvidenceKind kind) || !Enum.IsDefined(kind) || KindName(kind) != kindName)
        {
            throw new FormatException($"The entry's kind '{kindName}' is not a known evidence kind.");
        }

        string action = RequiredString(ref reader, "action"u8);
        string verdictName = RequiredString(ref reader, "verdict"u8);
        if (!Enum.TryParse(verdictName, ignoreCase: false, out Verdict verdict) || !Enum.IsDefined(verdict) || VerdictName(verdict) != verdictName)
        {
            throw new FormatException($"The entry's verdict '{verdictName}' is not a known verdict.");
        }

        string code = RequiredString(ref reader, "code"u8);
        string gate = RequiredString(ref reader, "gate"u8);
        Property(ref reader, "pins"u8);
        Expect(ref reader, JsonTokenType.StartArray);
        var pins = new List<PolicyPin>();
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException($"The entry's pins hold a {reader.TokenType} where a pin object was expected.");
            }

            string name = RequiredString(ref reader, "name"u8);
            string pinVersion = RequiredString(ref reader, "version"u8);
            string sha256 = RequiredString(ref reader, "sha256"u8);
            Expect(ref reader, JsonTokenType.EndObject);
            try
            {
                pins.Add(new PolicyPin(name, pinVersion, sha256));
            }
            catch (ArgumentException ex)
            {
                // The writer only ever writes valid pins, so an invalid one is damage, not a record.
                throw new FormatException($"The entry holds an invalid policy pin: {ex.Message}", ex);
            }
        }

        string? subject = OptionalString(ref reader, "subject"u8);
        string executionId = RequiredString(ref reader, "executionId"u8);
        string? traceId = OptionalString(ref reader, "traceId"u8);
        string? detail = OptionalString(ref reader, "detail"u8);
        Expect(ref reader, JsonTokenType.EndObject);
        if (reader.Read())
        {
            throw new FormatException("The entry has bytes after its closing brace.");
        }

        return new EvidenceRecord
        {
            Sequence = sequence,
            PreviousHash = previous,
            Timestamp = ts,
            Kind = kind,
            Action = action,
            Verdict = verdict,
            Code = code,
            Gate = gate,
            Pins = pins.Count == 0 ? [] : pins.ToArray(),
            Subject = subject,
            ExecutionId = executionId,
            TraceId = traceId,
            Detail = detail,
        };
    }

    private static void Validate(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record.Action, "record.Action");
        ArgumentNullException.ThrowIfNull(record.Code, "record.Code");
        ArgumentNullException.ThrowIfNull(record.Gate, "record.Gate");
        ArgumentNullException.ThrowIfNull(record.ExecutionId, "record.ExecutionId");
        ArgumentNullException.ThrowIfNull(record.Pins, "record.Pins");
        if (!Enum.IsDefined(record.Kind))
        {
            throw new ArgumentException($"The evidence record's kind '{(int)record.Kind}' is not a defined EvidenceKind.", nameof(record));
        }

        if (!Enum.IsDefined(record.Verdict))
        {
            throw new ArgumentException($"The evidence record's verdict '{(int)record.Verdict}' is not a defined Verdict.", nameof(record));
        }

        bool valid = IsValidUtf16(record.Action) && IsValidUtf16(record.Code) && IsValidUtf16(record.Gate)
            && IsValidUtf16(record.ExecutionId) && IsValidUtf16(record.TraceId) && IsValidUtf16(record.Subject) && IsValidUtf16(record.Detail);
        // By index: a foreach over the interface would allocate an enumerator on every append.
        IReadOnlyList<PolicyPin> pins = record.Pins;
        for (int i = 0; i < pins.Count; i++)
        {
            PolicyPin pin = pins[i];
            if (pin.Name is null || pin.Version is null || pin.Sha256 is null)
            {
                throw new ArgumentException($"The evidence record for action '{record.Action}' has a pin with a null name, version or digest.", nameof(record));
            }

            valid &= IsValidUtf16(pin.Name) && IsValidUtf16(pin.Version) && IsValidUtf16(pin.Sha256);
        }

        if (!valid)
        {
            // The JSON writer would silently replace a lone surrogate with U+FFFD: evidence must not differ from the record.
            throw new ArgumentException("The evidence record has a string with a lone surrogate; every string must be valid UTF-16.", nameof(record));
        }
    }

    private static bool IsValidUtf16(string? value)
    {
        if (value is null)
        {
            return true;
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string KindName(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Decision => "Decision",
        EvidenceKind.Intent => "Intent",
        EvidenceKind.Outcome => "Outcome",
        EvidenceKind.Escalation => "Escalation",
        EvidenceKind.Approval => "Approval",
        EvidenceKind.Recovery => "Recovery",
        EvidenceKind.FailOpen => "FailOpen",
        EvidenceKind.KeyRotation => "KeyRotation",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The evidence kind is not defined."),
    };

    private static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Indeterminate => "Indeterminate",
        Verdict.Deny => "Deny",
        Verdict.Allow => "Allow",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "The verdict is not defined."),
    };

    private static int DigitCount(long value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new FormatException("The entry ends before its closing brace.");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        Read(ref reader);
        if (reader.TokenType != type)
        {
            throw new FormatException($"The entry has a {reader.TokenType} where a {type} was expected.");
        }
    }

    private static void Property(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Expect(ref reader, JsonTokenType.PropertyName);
        if (!reader.ValueTextEquals(name))
        {
            throw new FormatException($"The entry has property '{reader.GetString()}' where '{Encoding.UTF8.GetString(name)}' was expected.");
        }
    }

    private static string RequiredString(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Property(ref reader, name);
        Expect(ref reader, JsonTokenType.String);
        return reader.GetString()!;
    }

    private static string? OptionalString(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        Property(ref reader, name);
        Read(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString(),
            _ => throw new FormatException($"The entry has a {reader.TokenType} for '{Encoding.UTF8.GetString(name)}' where a string or null was expected."),
        };
    }

    /// <summary>A reusable buffer and writer for the canonical check, one per thread.</summary>
    /// <summary>A record's content in this thread's reusable buffer; disposing gives the buffer back.</summary>
    internal readonly ref struct EncodedContent : IDisposable
    {
        private readonly ReEncoder _encoder;

        internal EncodedContent(ReEncoder encoder) => _encoder = encoder;

        /// <summary>Gets the content: the entry's bytes after its prefix.</summary>
        public ReadOnlySpan<byte> Content => _encoder.Buffer.WrittenSpan[1..];

        /// <inheritdoc />
        public void Dispose() => Return(_encoder);
    }

    internal sealed class ReEncoder
    {
        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; }

        public ReEncoder()
        {
            Writer = new Utf8JsonWriter(Buffer, s_writerOptions);
        }
    }
}

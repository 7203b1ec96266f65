using System.Buffers;
using System.Globalization;

namespace FailClosed.Gates;

/// <summary>A non-throwing check that a record can be encoded, without encoding it.</summary>
internal static partial class EvidenceEncoding
{
    // The bytes of the fixed parts of the content (everything but the variable strings), from "ts" to the closing
    // brace: "ts":"<28>","kind":"","action":,"verdict":"","code":,"gate":,"pins":[],"subject":,"executionId":,
    // "traceId":,"detail":}
    private const int FixedContentBytes = 36 + 10 + 10 + 13 + 8 + 8 + 10 + 11 + 15 + 11 + 10;

    // {"name":,"version":,"sha256":} plus the comma before every pin but the first.
    private const int FixedPinBytes = 8 + 11 + 10 + 1 + 1;

    /// <summary>The characters the encoder writes as one byte, unescaped: most names, codes and ids are made only of these.</summary>
    private static readonly SearchValues<char> PlainCharacters = SearchValues.Create(
        " !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>
    /// Returns why <paramref name="record"/> cannot be encoded with <paramref name="reserveBytes"/> to spare, or
    /// <see langword="null"/> when it can. Never throws and allocates only for the answer.
    /// </summary>
    /// <remarks>Agrees with <see cref="EncodeContent"/>: a property test holds the measured length to the encoded one.</remarks>
    public static string? FindProblem(EvidenceRecord record, int reserveBytes)
    {
        if (record.Action is null || record.Code is null || record.Gate is null || record.ExecutionId is null || record.Pins is null)
        {
            return "a required string or the pins list is null";
        }

        if (!Enum.IsDefined(record.Kind) || !Enum.IsDefined(record.Verdict))
        {
            return "the kind or verdict is not a defined value";
        }

        long length = FixedContentBytes + KindName(record.Kind).Length + VerdictName(record.Verdict).Length;
        if (!Add(ref length, record.Action) || !Add(ref length, record.Code) || !Add(ref length, record.Gate)
            || !AddNullable(ref length, record.Subject) || !Add(ref length, record.ExecutionId)
            || !AddNullable(ref length, record.TraceId) || !AddNullable(ref length, record.Detail))
        {
            return "a string has a lone surrogate (every string must be valid UTF-16)";
        }

        // Indexed, not enumerated: an interface enumerator allocates, and the executor passes arrays.
        IReadOnlyList<PolicyPin> pins = record.Pins;
        int count = pins.Count;
        for (int i = 0; i < count; i++)
        {
            PolicyPin pin = pins[i];
            if (pin.Name is null || pin.Version is null || pin.Sha256 is null)
            {
                return "a policy pin is default (it has no name, version or digest)";
            }

            length += FixedPinBytes - (i == 0 ? 1 : 0);
            if (!Add(ref length, pin.Name) || !Add(ref length, pin.Version) || !Add(ref length, pin.Sha256))
            {
                return "a policy pin has a lone surrogate";
            }
        }

        return length + reserveBytes <= MaxContentBytes
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"it encodes to {length} bytes of content, and with {reserveBytes} bytes kept for the records that follow it that is more than the limit of {MaxContentBytes}");
    }

    /// <summary>Returns the length of the content <see cref="EncodeContent"/> writes for a valid record.</summary>
    public static long MeasureContent(EvidenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Validate(record);
        long length = FixedContentBytes + KindName(record.Kind).Length + VerdictName(record.Verdict).Length;
        _ = Add(ref length, record.Action) & Add(ref length, record.Code) & Add(ref length, record.Gate)
            & AddNullable(ref length, record.Subject) & Add(ref length, record.ExecutionId)
            & AddNullable(ref length, record.TraceId) & AddNullable(ref length, record.Detail);
        for (int i = 0; i < record.Pins.Count; i++)
        {
            PolicyPin pin = record.Pins[i];
            length += FixedPinBytes - (i == 0 ? 1 : 0);
            _ = Add(ref length, pin.Name) & Add(ref length, pin.Version) & Add(ref length, pin.Sha256);
        }

        return length;
    }

    private static bool AddNullable(ref long length, string? value)
    {
        if (value is null)
        {
            length += 4; // null
            return true;
        }

        return Add(ref length, value);
    }

    /// <summary>Adds the quoted, escaped length of <paramref name="value"/>; false when it has a lone surrogate.</summary>
    private static bool Add(ref long length, string value)
    {
        length += 2;

        // A vectorized scan for the common case; the first character that is not plain continues one at a time.
        int start = value.AsSpan().IndexOfAnyExcept(PlainCharacters);
        if (start < 0)
        {
            length += value.Length;
            return true;
        }

        length += start;
        for (int i = start; i < value.Length; i++)
        {
            char c = value[i];
            if (c < 0x80)
            {
                length += c is >= ' ' and <= '~' and not ('"' or '&' or '\'' or '+' or '<' or '>' or '\\' or '`') ? 1
                    : c is '\b' or '\t' or '\n' or '\f' or '\r' or '\\' ? 2
                    : 6;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                length += 12;
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
            else
            {
                length += 6;
            }
        }

        return true;
    }
}

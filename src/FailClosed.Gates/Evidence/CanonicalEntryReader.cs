using System.Buffers;
using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// Checks that bytes are a canonical version-1 entry without building the record: the fast path of verification.
/// It accepts exactly the entries <see cref="EvidenceEncoding.Decode"/> accepts (a property test holds it to that).
/// </summary>
internal ref struct CanonicalEntryReader
{
    private readonly ReadOnlySpan<byte> _entry;
    private int _at;

    private CanonicalEntryReader(ReadOnlySpan<byte> entry)
    {
        _entry = entry;
        _at = 0;
    }

    /// <summary>Returns null when <paramref name="entry"/> is canonical (and its sequence), else why it is not.</summary>
    public static string? Validate(ReadOnlySpan<byte> entry, out long sequence)
    {
        var reader = new CanonicalEntryReader(entry);
        string? problem = reader.Run(out sequence);
        return problem is null ? null : $"The entry is not a canonical version-1 entry: {problem} at byte {reader._at}.";
    }

    private string? Run(out long sequence)
    {
        sequence = -1;
        if (!Literal("{\"v\":1,\"seq\":"u8) || !Sequence(out sequence))
        {
            return "the version or sequence is wrong";
        }

        if (!Literal(",\"prev\":\""u8) || !LowerHex(64) || !Literal("\""u8))
        {
            return "the previous hash is not 64 lowercase hex characters";
        }

        if (!Literal(",\"ts\":\""u8) || !Timestamp() || !Literal("\""u8))
        {
            return "the timestamp is not in the canonical form";
        }

        if (!Literal(",\"kind\":\""u8) || !OneOf(s_kinds) || !Literal("\""u8))
        {
            return "the kind is not a known evidence kind";
        }

        if (!Property(",\"action\":"u8, nullable: false))
        {
            return "the action is not a canonical string";
        }

        if (!Literal(",\"verdict\":\""u8) || !OneOf(s_verdicts) || !Literal("\""u8))
        {
            return "the verdict is not a known verdict";
        }

        if (!Property(",\"code\":"u8, nullable: false) || !Property(",\"gate\":"u8, nullable: false))
        {
            return "the code or gate is not a canonical string";
        }

        if (!Literal(",\"pins\":["u8) || !Pins())
        {
            return "the pins are not canonical";
        }

        if (!Property(",\"subject\":"u8, nullable: true)
            || !Property(",\"executionId\":"u8, nullable: false)
            || !Property(",\"traceId\":"u8, nullable: true)
            || !Property(",\"detail\":"u8, nullable: true))
        {
            return "the subject, execution id, trace id or detail is not canonical";
        }

        if (!Literal("}"u8) || _at != _entry.Length)
        {
            return "the entry does not end after its last property";
        }

        return null;
    }

    private static readonly byte[][] s_kinds =
        ["Decision"u8.ToArray(), "Intent"u8.ToArray(), "Outcome"u8.ToArray(), "Escalation"u8.ToArray(), "Approval"u8.ToArray(), "Recovery"u8.ToArray(), "FailOpen"u8.ToArray(), "KeyRotation"u8.ToArray()];

    private static readonly SearchValues<byte> s_raw = SearchValues.Create(RawBytes());

    private static readonly SearchValues<byte> s_lowerHex = SearchValues.Create("0123456789abcdef"u8);

    private static readonly byte[][] s_verdicts = ["Indeterminate"u8.ToArray(), "Deny"u8.ToArray(), "Allow"u8.ToArray()];

    private bool Literal(ReadOnlySpan<byte> expected)
    {
        if (!_entry[_at..].StartsWith(expected))
        {
            return false;
        }

        _at += expected.Length;
        return true;
    }

    private bool OneOf(byte[][] names)
    {
        foreach (byte[] name in names)
        {
            // Every name is followed by the closing quote, so "Intent" cannot match a prefix of another name.
            if (_entry[_at..].StartsWith(name) && _at + name.Length < _entry.Length && _entry[_at + name.Length] == (byte)'"')
            {
                _at += name.Length;
                return true;
            }
        }

        return false;
    }

    private bool Sequence(out long value)
    {
        value = 0;
        int start = _at;
        while (_at < _entry.Length && _entry[_at] is >= (byte)'0' and <= (byte)'9')
        {
            _at++;
        }

        int digits = _at - start;
        return digits is > 0 and <= 19
            && (digits == 1 || _entry[start] != (byte)'0')
            && long.TryParse(_entry.Slice(start, digits), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private bool LowerHex(int count)
    {
        if (_entry.Length - _at < count)
        {
            return false;
        }

        if (_entry.Slice(_at, count).ContainsAnyExcept(s_lowerHex))
        {
            return false;
        }

        _at += count;
        return true;
    }

    private bool Timestamp()
    {
        // yyyy-MM-ddTHH:mm:ss.fffffffZ, checked by hand: exact parsing of this all-digit form round-trips iff every
        // field is in range, and this is the hot path of verification.
        const int Length = 28;
        if (_entry.Length - _at < Length)
        {
            return false;
        }

        ReadOnlySpan<byte> t = _entry.Slice(_at, Length);
        if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' || t[27] != 'Z'
            || !Digits(t[..4], out int year) || !Digits(t[5..7], out int month) || !Digits(t[8..10], out int day)
            || !Digits(t[11..13], out int hour) || !Digits(t[14..16], out int minute) || !Digits(t[17..19], out int second)
            || !Digits(t[20..27], out _))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        _at += Length;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (byte d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (d - '0');
        }

        return true;
    }

    private bool Pins()
    {
        if (Literal("]"u8))
        {
            return true;
        }

        while (true)
        {
            if (!Literal("{\"name\":\""u8) || !PinSegment()
                || !Literal(",\"version\":\""u8) || !PinSegment()
                || !Literal(",\"sha256\":\""u8) || !LowercaseSha256()
                || !Literal("}"u8))
            {
                return false;
            }

            if (Literal("]"u8))
            {
                return true;
            }

            if (!Literal(","u8))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Reads a pin's name or version and its closing quote: what <see cref="PolicyPin"/> accepts (1 to
    /// <see cref="PolicyPin.MaxSegmentLength"/> ASCII letters, digits, '.', '-', '_' or '+', starting with a letter or
    /// digit, never "..") written as the writer writes it, which escapes only '+' (as <c>\u002B</c>).
    /// </summary>
    private bool PinSegment()
    {
        int length = 0;
        byte previous = 0;
        while (_at < _entry.Length && _entry[_at] != (byte)'"')
        {
            byte b = _entry[_at];
            int width = 1;
            if (b == (byte)'\\')
            {
                if (!_entry[_at..].StartsWith("\\u002B"u8))
                {
                    return false;
                }

                b = (byte)'+';
                width = 6;
            }
            else if (b == (byte)'+')
            {
                return false; // the writer always escapes it
            }

            if (!PolicyPin.IsSegmentChar((char)b, first: length == 0) || (b == (byte)'.' && previous == (byte)'.'))
            {
                return false;
            }

            previous = b;
            length++;
            _at += width;
        }

        return length is > 0 and <= PolicyPin.MaxSegmentLength && Literal("\""u8);
    }

    /// <summary>Reads a pin's digest and its closing quote: exactly 64 lowercase hex digits, as the writer writes it.</summary>
    private bool LowercaseSha256()
    {
        return LowerHex(EvidenceHashing.HashSize * 2) && Literal("\""u8);
    }

    private bool Property(ReadOnlySpan<byte> name, bool nullable)
    {
        if (!Literal(name))
        {
            return false;
        }

        if (nullable && Literal("null"u8))
        {
            return true;
        }

        return Literal("\""u8) && StringBody();
    }

    /// <summary>Reads a string body up to and including its closing quote, escaped exactly as the writer escapes.</summary>
    private bool StringBody()
    {
        bool pendingHighSurrogate = false;
        while (_at < _entry.Length)
        {
            byte b = _entry[_at];
            if (b == (byte)'"')
            {
                _at++;
                return !pendingHighSurrogate;
            }

            if (b != (byte)'\\')
            {
                if (pendingHighSurrogate || !IsRaw(b))
                {
                    return false;
                }

                // Skip the run of plain characters at once.
                int run = _entry[_at..].IndexOfAnyExcept(s_raw);
                _at = run < 0 ? _entry.Length : _at + run;
                continue;
            }

            if (_at + 1 >= _entry.Length)
            {
                return false;
            }

            byte escape = _entry[_at + 1];
            if (escape is (byte)'b' or (byte)'t' or (byte)'n' or (byte)'f' or (byte)'r' or (byte)'\\')
            {
                if (pendingHighSurrogate)
                {
                    return false;
                }

                _at += 2;
                continue;
            }

            if (escape != (byte)'u' || _entry.Length - _at < 6 || !UpperHex(_entry.Slice(_at + 2, 4), out char c))
            {
                return false;
            }

            if (pendingHighSurrogate)
            {
                if (!char.IsLowSurrogate(c))
                {
                    return false;
                }

                pendingHighSurrogate = false;
            }
            else if (char.IsHighSurrogate(c))
            {
                pendingHighSurrogate = true;
            }
            else if (char.IsLowSurrogate(c) || (c < 0x80 && (IsRaw((byte)c) || HasShortEscape(c))))
            {
                // A lone low surrogate, or a character the writer would have written raw or with a short escape.
                return false;
            }

            _at += 6;
        }

        return false;
    }

    private static bool IsRaw(byte b) =>
        b is >= 0x20 and <= 0x7E and not ((byte)'"' or (byte)'&' or (byte)'\'' or (byte)'+' or (byte)'<' or (byte)'>' or (byte)'\\' or (byte)'`');

    private static byte[] RawBytes()
    {
        var raw = new List<byte>();
        for (int b = 0; b < 256; b++)
        {
            if (IsRaw((byte)b))
            {
                raw.Add((byte)b);
            }
        }

        return [.. raw];
    }

    private static bool HasShortEscape(char c) => c is '\b' or '\t' or '\n' or '\f' or '\r' or '\\';

    private static bool UpperHex(ReadOnlySpan<byte> digits, out char value)
    {
        int v = 0;
        foreach (byte d in digits)
        {
            int nibble = d switch
            {
                >= (byte)'0' and <= (byte)'9' => d - '0',
                >= (byte)'A' and <= (byte)'F' => d - 'A' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                value = '\0';
                return false;
            }

            v = (v << 4) | nibble;
        }

        value = (char)v;
        return true;
    }
}

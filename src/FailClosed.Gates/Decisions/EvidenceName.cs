using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace FailClosed.Gates;

/// <summary>
/// The one rule for names that go into evidence (gate names, the gate of a decision, action names): not empty, at
/// most <see cref="MaxLength"/> characters, no control character, line or paragraph separator or bidirectional
/// control, no lone surrogate, and no leading or trailing white space. Checked when a gate, decision, action or catalog entry is built, so a bad name never reaches an
/// execution. Policy names have their own, stricter rule (<see cref="PolicyPin"/>).
/// </summary>
internal static class EvidenceName
{
    /// <summary>The longest name accepted, in UTF-16 code units.</summary>
    public const int MaxLength = 256;

    private const int QuotedLength = 64;

    /// <summary>Throws when <paramref name="value"/> breaks the rule; <paramref name="what"/> says whose name it is ("gate name").</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> breaks the rule; the message quotes it and names the rule.</exception>
    public static void ThrowIfInvalid(
        [System.Diagnostics.CodeAnalysis.NotNull] string? value,
        string what,
        [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (value is null)
        {
            throw new ArgumentNullException(paramName, $"A {what} must not be null; it names the {Subject(what)} in every decision and evidence record.");
        }

        if (Check(value, what) is { } error)
        {
            throw new ArgumentException(error, paramName);
        }
    }

    /// <summary>Returns why <paramref name="value"/> breaks the rule, or <see langword="null"/> when it obeys it.</summary>
    public static string? Check(string value, string what)
    {
        if (value.Length == 0)
        {
            return $"A {what} must not be empty; it names the {Subject(what)} in every decision and evidence record.";
        }

        if (value.Length > MaxLength)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"The {what} '{Quote(value)}' is {value.Length} characters long; at most {MaxLength} are allowed.");
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsControl(c))
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"The {what} '{Quote(value)}' contains the control character U+{(int)c:X4} at index {i}; a name must be one line of printable text.");
            }

            if (IsLineOrBidiControl(c))
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"The {what} '{Quote(value)}' contains the {(c is '\u2028' or '\u2029' ? "line or paragraph separator" : "bidirectional control")} U+{(int)c:X4} at index {i}; a name must be one line shown as it is stored.");
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"The {what} '{Quote(value)}' contains a lone surrogate at index {i}; a name must be valid UTF-16 to be written as evidence.");
            }
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return value.AsSpan().IsWhiteSpace()
                ? $"The {what} '{Quote(value)}' is only white space; a name must have a visible character."
                : $"The {what} '{Quote(value)}' {(char.IsWhiteSpace(value[0]) ? "starts" : "ends")} with white space; names are compared ordinally, so a name must not start or end with white space.";
        }

        return null;
    }

    /// <summary>
    /// Builds the generated name <c>combinator(part, ...)</c>. A name longer than <see cref="MaxLength"/> is cut and
    /// ends with <c>…)</c>, so composing valid names always gives a valid name, however deep the tree.
    /// </summary>
    public static string Compose(string combinator, params ReadOnlySpan<string> parts)
    {
        var builder = new StringBuilder(combinator.Length + 2 + (parts.Length * 16));
        builder.Append(combinator).Append('(');
        for (int i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append(parts[i]);
        }

        builder.Append(')');
        if (builder.Length <= MaxLength)
        {
            return builder.ToString();
        }

        int keep = MaxLength - 2; // room for "…)"
        if (char.IsHighSurrogate(builder[keep - 1]))
        {
            keep--; // never split a surrogate pair
        }

        return builder.ToString(0, keep) + "…)";
    }

    /// <summary>Quotes a name in a message: control characters and lone surrogates escaped, long names cut.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, QuotedLength) + 8);
        int i = 0;
        for (; i < value.Length && i < QuotedLength; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else if (c == '\t')
            {
                builder.Append("\\t");
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || IsLineOrBidiControl(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        if (i < value.Length)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    /// <summary>
    /// The characters that are not control characters but act like them when a name is shown: U+2028 and U+2029 break
    /// lines in editors, browsers and JSON viewers, and the bidirectional controls (U+061C, U+200E, U+200F,
    /// U+202A-U+202E, U+2066-U+2069) reorder what follows, so a name could display as another one in a trail, a
    /// review queue or <c>fcgate dump</c>.
    /// </summary>
    private static bool IsLineOrBidiControl(char c) =>
        c is '\u2028' or '\u2029' or '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static string Subject(string what) => what.EndsWith(" name", StringComparison.Ordinal) ? what[..^5] : what;
}

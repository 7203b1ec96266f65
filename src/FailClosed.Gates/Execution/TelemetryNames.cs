using System.Collections.Concurrent;
using System.Text;

namespace FailClosed.Gates;

/// <summary>Telemetry tag values: lower-case snake_case forms of codes and verdicts, computed once per distinct value.</summary>
public static class TelemetryNames
{
    private static readonly ConcurrentDictionary<string, string> Codes = new(StringComparer.Ordinal);

    /// <summary>Gets the tag value of a verdict: <c>allow</c>, <c>deny</c> or <c>indeterminate</c>.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>The tag value; <c>indeterminate</c> for an undefined value.</returns>
    public static string Verdict(Verdict verdict) => verdict switch
    {
        Gates.Verdict.Allow => "allow",
        Gates.Verdict.Deny => "deny",
        _ => "indeterminate",
    };

    /// <summary>Gets the tag value of a code: <c>EvidenceUnavailable</c> becomes <c>evidence_unavailable</c>.</summary>
    /// <param name="code">A <see cref="GateCodes"/> value or a custom code.</param>
    /// <returns>The lower-case snake_case form; cached, so a known code allocates nothing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="code"/> is null.</exception>
    public static string Code(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return Codes.TryGetValue(code, out string? name) ? name : Codes.GetOrAdd(code, static c => ToSnakeCase(c));
    }

    private static string ToSnakeCase(string code)
    {
        var builder = new StringBuilder(code.Length + 4);
        for (int i = 0; i < code.Length; i++)
        {
            char c = code[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && code[i - 1] != '_' && !char.IsUpper(code[i - 1]))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

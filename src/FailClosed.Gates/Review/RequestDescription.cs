using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FailClosed.Gates;

/// <summary>
/// The canonical description of one request and its digest: what an approval approves. Compact JSON in a fixed
/// order, facts sorted by name (ordinal), escaped as the evidence encoding escapes, so equal requests give equal bytes.
/// </summary>
internal static class RequestDescription
{
    /// <summary>Describes a request.</summary>
    /// <exception cref="ArgumentException">A fact has a null or empty name, a null value, or a name used twice.</exception>
    public static (string Description, string Digest) Create(
        string action,
        string? requester,
        string? subject,
        IReadOnlyList<PolicyPin> pins,
        IReadOnlyList<KeyValuePair<string, string>>? facts)
    {
        KeyValuePair<string, string>[] sorted = facts is null ? [] : [.. facts];
        foreach (KeyValuePair<string, string> fact in sorted)
        {
            if (string.IsNullOrEmpty(fact.Key) || fact.Value is null)
            {
                throw new ArgumentException($"A request fact of action '{action}' has an empty name or a null value; every fact needs both.", nameof(facts));
            }
        }

        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (int i = 1; i < sorted.Length; i++)
        {
            if (string.Equals(sorted[i - 1].Key, sorted[i].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The request fact '{sorted[i].Key}' of action '{action}' is given twice; each fact has one value.", nameof(facts));
            }
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("action"u8, action);
            writer.WriteString("requester"u8, requester);
            writer.WriteString("subject"u8, subject);
            writer.WriteStartArray("pins"u8);
            for (int i = 0; i < pins.Count; i++)
            {
                writer.WriteStringValue(pins[i].ToString());
            }

            writer.WriteEndArray();
            writer.WriteStartObject("facts"u8);
            foreach (KeyValuePair<string, string> fact in sorted)
            {
                writer.WriteString(fact.Key, fact.Value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return (Encoding.UTF8.GetString(buffer.WrittenSpan), Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan)));
    }

    /// <summary>Returns whether <paramref name="description"/> hashes to <paramref name="digest"/>.</summary>
    public static bool Matches(string description, string digest) =>
        string.Equals(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description))), digest, StringComparison.Ordinal);
}

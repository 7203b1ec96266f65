using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FailClosed.Gates.Tool;

/// <summary>Writes records and proofs as JSON.</summary>
internal static class JsonOutput
{
    /// <summary>Writes one record as a single line of JSON.</summary>
    public static void WriteRecord(EvidenceRecord record, MemoryStream buffer, TextWriter output)
    {
        buffer.SetLength(0);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", record.Sequence);
            writer.WriteString("hash", record.Hash);
            writer.WriteString("prev", record.PreviousHash);
            writer.WriteString("ts", record.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("kind", record.Kind.ToString());
            writer.WriteString("action", record.Action);
            writer.WriteString("verdict", record.Verdict.ToString());
            writer.WriteString("code", record.Code);
            writer.WriteString("gate", record.Gate);
            writer.WriteStartArray("pins");
            foreach (PolicyPin pin in record.Pins)
            {
                writer.WriteStartObject();
                writer.WriteString("name", pin.Name);
                writer.WriteString("version", pin.Version);
                writer.WriteString("sha256", pin.Sha256);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("subject", record.Subject);
            writer.WriteString("executionId", record.ExecutionId);
            writer.WriteString("traceId", record.TraceId);
            writer.WriteString("detail", record.Detail);
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>Writes one indented JSON object.</summary>
    public static void WriteObject(TextWriter output, Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Writes a string array property.</summary>
    public static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}

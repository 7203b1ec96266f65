using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FailClosed.Gates.Tool;

/// <summary>The fcgate commands; returns 0 on success, 1 when the evidence fails a check, 2 on a usage error.</summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private const string UsageText = """
        usage:
          fcgate verify <journal> [--key name=key.pem]...
          fcgate dump <journal>
          fcgate prove <journal> <seq> [--size n]
          fcgate prove <journal> --consistency <m> <n>
          fcgate checkpoint <journal> [--key name=key.pem]...
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 2)
        {
            error.WriteLine(UsageText);
            return Usage;
        }

        try
        {
            return args[0] switch
            {
                "verify" => Verify(args[1], Keys(args.AsSpan(2)), output),
                "dump" when args.Length == 2 => Dump(args[1], output, error),
                "prove" => Prove(args[1], args.AsSpan(2), output, error),
                "checkpoint" => Checkpoint(args[1], Keys(args.AsSpan(2)), output, error),
                _ => UsageError(error, $"unknown command or arguments: {string.Join(' ', args)}"),
            };
        }
        catch (UsageException ex)
        {
            return UsageError(error, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or EvidenceUnavailableException or ArgumentException)
        {
            error.WriteLine($"fcgate: {ex.Message}");
            return Failed;
        }
    }

    private static int Verify(string path, List<CheckpointKey> keys, TextWriter output)
    {
        EvidenceVerification result = EvidenceVerifier.Verify(path, keys);
        output.WriteLine(result.ToString());
        if (result.IsValid && keys.Count == 0)
        {
            output.WriteLine("warning: no --key given, so the checkpoint was not checked and a cut tail would go unnoticed");
        }

        return result.IsValid ? Ok : Failed;
    }

    private static int Dump(string path, TextWriter output, TextWriter error)
    {
        var buffer = new MemoryStream();
        long? failedAt = null;
        string? reason = null;
        using (IJournalStorage storage = EvidenceVerifier.OpenRead(path))
        using (JournalScan scan = JournalScanner.Scan(storage, -1, keepLeaves: false, record => WriteRecord(record, buffer, output)))
        {
            if (scan.Defect is { } defect)
            {
                failedAt = defect.Index;
                reason = defect.Reason;
            }
        }

        if (failedAt is { } index)
        {
            error.WriteLine($"fcgate: stopped at record {index}: {reason}");
            return Failed;
        }

        return Ok;
    }

    private static int Prove(string path, ReadOnlySpan<string> args, TextWriter output, TextWriter error)
    {
        long size;
        if (args.Length == 3 && args[0] == "--consistency")
        {
            long first = Number(args[1]);
            size = Number(args[2]);
            ConsistencyProof proof = EvidenceVerifier.ProveConsistency(path, first, size);
            string firstRoot = Root(path, first);
            string secondRoot = Root(path, size);
            WriteJson(output, writer =>
            {
                writer.WriteNumber("firstSize", first);
                writer.WriteNumber("secondSize", size);
                writer.WriteString("firstRoot", firstRoot);
                writer.WriteString("secondRoot", secondRoot);
                WriteArray(writer, "proof", proof.Path);
            });
            return Checked(EvidenceVerifier.VerifyConsistency(proof, firstRoot, secondRoot), error);
        }

        if (args.Length is not (1 or 3) || (args.Length == 3 && args[1] != "--size"))
        {
            throw new UsageException("prove takes <seq> [--size n] or --consistency <m> <n>");
        }

        long index = Number(args[0]);
        size = args.Length == 3 ? Number(args[2]) : EvidenceVerifier.Verify(path, []).TreeSize;
        InclusionProof inclusion = EvidenceVerifier.ProveInclusion(path, index, size);
        string leaf = LeafHash(path, index);
        string root = Root(path, size);
        WriteJson(output, writer =>
        {
            writer.WriteNumber("leafIndex", index);
            writer.WriteNumber("treeSize", size);
            writer.WriteString("leafHash", leaf);
            writer.WriteString("rootHash", root);
            WriteArray(writer, "auditPath", inclusion.AuditPath);
        });
        return Checked(EvidenceVerifier.VerifyInclusion(inclusion, leaf, root), error);
    }

    private static int Checkpoint(string path, List<CheckpointKey> keys, TextWriter output, TextWriter error)
    {
        string checkpointPath = path + ".checkpoint";
        if (!File.Exists(checkpointPath))
        {
            error.WriteLine($"fcgate: there is no checkpoint file '{checkpointPath}'");
            return Failed;
        }

        string note = File.ReadAllText(checkpointPath, Encoding.UTF8);
        output.Write(note);
        if (keys.Count == 0)
        {
            return Ok;
        }

        EvidenceCheckpoint? checkpoint = CheckpointNote.TryVerify(note, keys, out string reason);
        if (checkpoint is null)
        {
            error.WriteLine($"fcgate: {reason}");
            return Failed;
        }

        output.WriteLine($"verified: {checkpoint.TreeSize} records, root {checkpoint.RootHash}");
        return Ok;
    }

    private static string Root(string path, long size)
    {
        using IJournalStorage storage = EvidenceVerifier.OpenRead(path);
        using JournalScan scan = JournalScanner.Scan(storage, size, keepLeaves: false);
        return EvidenceHashing.ToHex(scan.CheckpointRoot ?? throw new ArgumentException($"The journal has fewer than {size} intact records."));
    }

    private static string LeafHash(string path, long index)
    {
        string? hash = null;
        using IJournalStorage storage = EvidenceVerifier.OpenRead(path);
        using JournalScan scan = JournalScanner.Scan(storage, -1, keepLeaves: false, record =>
        {
            if (record.Sequence == index)
            {
                hash = record.Hash;
            }
        });
        return hash ?? throw new ArgumentException($"The journal has no intact record {index}.");
    }

    private static int Checked(bool verified, TextWriter error)
    {
        if (verified)
        {
            return Ok;
        }

        error.WriteLine("fcgate: the proof did not verify");
        return Failed;
    }

    private static void WriteRecord(EvidenceRecord record, MemoryStream buffer, TextWriter output)
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

    private static void WriteJson(TextWriter output, Action<Utf8JsonWriter> body)
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

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static List<CheckpointKey> Keys(ReadOnlySpan<string> args)
    {
        var keys = new List<CheckpointKey>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] != "--key" || i + 1 >= args.Length)
            {
                throw new UsageException($"unexpected argument '{args[i]}'; keys are given as --key name=key.pem");
            }

            string spec = args[++i];
            int equals = spec.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"the key '{spec}' is not in the form name=key.pem");
            }

            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(File.ReadAllText(spec[(equals + 1)..]));
            keys.Add(new CheckpointKey(spec[..equals], ecdsa));
        }

        return keys;
    }

    private static long Number(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new UsageException($"'{text}' is not a non-negative number");

    private static int UsageError(TextWriter error, string message)
    {
        error.WriteLine($"fcgate: {message}");
        error.WriteLine(UsageText);
        return Usage;
    }
}

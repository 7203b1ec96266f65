using System.CommandLine;

namespace FailClosed.Gates.Tool.Commands;

/// <summary><c>fcgate prove &lt;journal&gt; &lt;seq&gt; [--size n]</c> and <c>fcgate prove &lt;journal&gt; --consistency &lt;m&gt; &lt;n&gt;</c>.</summary>
internal static class ProveCommand
{
    public static Command Create()
    {
        Argument<string> journal = CommonSymbols.Journal();
        var sequence = new Argument<long?>("seq")
        {
            Description = "The record to prove included.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var size = new Option<long?>("--size", "-n")
        {
            Description = "The tree size to prove inclusion in; default: every intact record.",
            HelpName = "n",
        };
        var consistency = new Option<long[]>("--consistency")
        {
            Description = "Prove the tree of the first m records consistent with the tree of the first n, instead of proving a record.",
            HelpName = "m n",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("prove", "Print an RFC 9162 inclusion proof of a record, or a consistency proof between two tree sizes, as JSON, and check it (exit code 1 when it does not verify).")
        {
            journal,
            sequence,
            size,
            consistency,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = Input.File(parse.GetRequiredValue(journal), "journal");
            long? index = parse.GetValue(sequence);
            long[]? sizes = parse.GetValue(consistency) is { Length: > 0 } given ? given : null;
            long? requestedSize = parse.GetValue(size);
            TextWriter output = parse.InvocationConfiguration.Output;
            if ((index is null) == (sizes is null))
            {
                throw new UsageException("prove takes a record <seq> or --consistency <m> <n>, not both and not neither");
            }

            if (sizes is not null && requestedSize is not null)
            {
                throw new UsageException("--size goes with <seq>; --consistency names both sizes itself");
            }

            return sizes is { } pair
                ? Consistency(path, pair[0], pair[1], output)
                : await InclusionAsync(path, index!.Value, requestedSize, output, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> InclusionAsync(string path, long index, long? requestedSize, TextWriter output, CancellationToken cancellationToken)
    {
        long records = IntactRecords(path, Math.Max(index + 1, requestedSize ?? 0));
        if (index < 0 || index >= records)
        {
            throw new UsageException($"the journal '{path}' has {records} records{Range(records)}; there is no record {index}");
        }

        long size = requestedSize ?? records;
        if (size <= index || size > records)
        {
            throw new UsageException($"--size {size} must be above the record {index} and at most the {records} records the journal '{path}' has");
        }

        InclusionProof proof = EvidenceVerifier.ProveInclusion(path, index, size);
        string leaf = await LeafHashAsync(path, index, cancellationToken).ConfigureAwait(false);
        string root = Root(path, size);
        JsonOutput.WriteObject(output, writer =>
        {
            writer.WriteNumber("leafIndex", index);
            writer.WriteNumber("treeSize", size);
            writer.WriteString("leafHash", leaf);
            writer.WriteString("rootHash", root);
            JsonOutput.WriteArray(writer, "auditPath", proof.AuditPath);
        });
        return Checked(EvidenceVerifier.VerifyInclusion(proof, leaf, root));
    }

    private static int Consistency(string path, long first, long second, TextWriter output)
    {
        long records = IntactRecords(path, second);
        if (first < 1 || first > second || second > records)
        {
            throw new UsageException($"--consistency {first} {second} needs 1 <= m <= n <= {records}, the records the journal '{path}' has");
        }

        ConsistencyProof proof = EvidenceVerifier.ProveConsistency(path, first, second);
        string firstRoot = Root(path, first);
        string secondRoot = Root(path, second);
        JsonOutput.WriteObject(output, writer =>
        {
            writer.WriteNumber("firstSize", first);
            writer.WriteNumber("secondSize", second);
            writer.WriteString("firstRoot", firstRoot);
            writer.WriteString("secondRoot", secondRoot);
            JsonOutput.WriteArray(writer, "proof", proof.Path);
        });
        return Checked(EvidenceVerifier.VerifyConsistency(proof, firstRoot, secondRoot));
    }

    /// <summary>Counts the intact records; a bad record below <paramref name="needed"/> is invalid evidence, not a usage error.</summary>
    private static long IntactRecords(string path, long needed)
    {
        EvidenceVerification verification = EvidenceVerifier.Verify(path, []);
        if (verification.FailedIndex is { } bad && bad < needed)
        {
            throw new EvidenceUnavailableException(GateCodes.EvidenceTampered, $"the journal '{path}' cannot prove anything past record {bad - 1}: {verification}");
        }

        return verification.TreeSize;
    }

    /// <summary>Streams the journal up to record <paramref name="index"/>, so memory stays bounded.</summary>
    private static async Task<string> LeafHashAsync(string path, long index, CancellationToken cancellationToken)
    {
        await foreach (EvidenceRecord record in FileEvidenceJournal.ReadRecordsAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (record.Sequence == index)
            {
                return record.Hash;
            }
        }

        throw new EvidenceUnavailableException(GateCodes.EvidenceTampered, $"the journal '{path}' has no intact record {index}");
    }

    private static string Root(string path, long size)
    {
        using IJournalStorage storage = EvidenceVerifier.OpenRead(path);
        using JournalScan scan = JournalScanner.Scan(storage, size, keepLeaves: false);
        return EvidenceHashing.ToHex(scan.CheckpointRoot ?? throw new EvidenceUnavailableException(GateCodes.EvidenceTampered, $"the journal '{path}' has fewer than {size} intact records"));
    }

    private static string Range(long records) => records == 0 ? string.Empty : $", 0 to {records - 1}";

    private static int Checked(bool verified) => verified
        ? ExitCodes.Ok
        : throw new EvidenceUnavailableException(GateCodes.EvidenceTampered, "the proof did not verify");
}

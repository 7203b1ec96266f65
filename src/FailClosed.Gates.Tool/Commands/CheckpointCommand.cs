using System.CommandLine;

namespace FailClosed.Gates.Tool.Commands;

/// <summary><c>fcgate checkpoint &lt;journal&gt; [--key name=key.pem]...</c>.</summary>
internal static class CheckpointCommand
{
    public static Command Create()
    {
        Argument<string> journal = CommonSymbols.Journal();
        Option<string[]> keys = CommonSymbols.Keys("A key the checkpoint may be signed with, as name=key.pem; with keys, the signature is checked.");
        var command = new Command("checkpoint", "Print the journal's signed checkpoint; with --key, check its signature, that its key was not retired before it, and that the journal holds its tree (exit code 1 when it does not verify).")
        {
            journal,
            keys,
        };
        command.SetAction((parse, _) =>
        {
            string checkpointPath = parse.GetRequiredValue(journal) + ".checkpoint";
            List<CheckpointKey> trusted = Input.Keys(parse.GetValue(keys));
            string note = Input.ReadText(checkpointPath, "checkpoint file");
            TextWriter output = parse.InvocationConfiguration.Output;
            output.Write(note);
            if (trusted.Count == 0)
            {
                return Task.FromResult(ExitCodes.Ok);
            }

            EvidenceCheckpoint? checkpoint = CheckpointNote.TryVerify(note, trusted, out string reason, out CheckpointKey? signer);
            if (checkpoint is null)
            {
                throw new EvidenceUnavailableException(GateCodes.EvidenceTampered, $"the checkpoint '{checkpointPath}' does not verify: {reason}");
            }

            // A valid signature is not enough: the key must not have been retired before the records it commits to
            // (a retired key signs nothing again), and the journal must hold the tree the note names.
            EvidenceVerification journalCheck = EvidenceVerifier.Verify(parse.GetRequiredValue(journal), note, trusted);
            if (!journalCheck.IsValid)
            {
                throw new EvidenceUnavailableException(GateCodes.EvidenceTampered, $"the checkpoint '{checkpointPath}' does not verify against its journal: {journalCheck.Reason}");
            }

            output.WriteLine($"verified: {checkpoint.TreeSize} records, root {checkpoint.RootHash}, signed by '{signer!.Name}', and the journal holds that tree");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}

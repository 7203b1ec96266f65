using System.CommandLine;

namespace FailClosed.Gates.Tool.Commands;

/// <summary><c>fcgate verify &lt;journal&gt; [--key name=key.pem]... [--checkpoint file]</c>.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        Argument<string> journal = CommonSymbols.Journal();
        Option<string[]> keys = CommonSymbols.Keys("A key the checkpoint may be signed with, as name=key.pem (public or private PEM); repeat it to trust several, such as the keys before and after a rotation.");
        var checkpoint = new Option<string>("--checkpoint", "-c")
        {
            Description = "Check this checkpoint file instead of <journal>.checkpoint, such as an older one kept by an anchor or signed with a previous key; needs --key.",
            HelpName = "file",
        };
        var command = new Command("verify", "Check every frame (CRC-32C), the canonical encoding, sequence and hash chain, recompute the Merkle root, and check the signed checkpoint. Exits 0 when valid, 1 when invalid.")
        {
            journal,
            keys,
            checkpoint,
        };
        command.SetAction((parse, _) =>
        {
            List<CheckpointKey> trusted = Input.Keys(parse.GetValue(keys));
            string path = Input.File(parse.GetRequiredValue(journal), "journal");
            string? checkpointFile = parse.GetValue(checkpoint);
            TextWriter output = parse.InvocationConfiguration.Output;
            EvidenceVerification result;
            if (checkpointFile is not null)
            {
                if (trusted.Count == 0)
                {
                    throw new UsageException("--checkpoint needs at least one --key to check the checkpoint's signature");
                }

                result = EvidenceVerifier.Verify(path, Input.ReadText(checkpointFile, "checkpoint file"), trusted);
            }
            else
            {
                result = EvidenceVerifier.Verify(path, trusted);
            }

            output.WriteLine(result.ToString());
            if (result.IsValid && trusted.Count == 0)
            {
                output.WriteLine("warning: no --key given, so the checkpoint was not checked and a cut tail would go unnoticed");
            }

            return Task.FromResult(result.IsValid ? ExitCodes.Ok : ExitCodes.Invalid);
        });
        return command;
    }
}

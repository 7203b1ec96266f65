using System.CommandLine;

namespace FailClosed.Gates.Tool.Commands;

/// <summary><c>fcgate dump &lt;journal&gt;</c>.</summary>
internal static class DumpCommand
{
    public static Command Create()
    {
        Argument<string> journal = CommonSymbols.Journal();
        var command = new Command("dump", "Print every intact record as one JSON object per line, streaming the journal; stops with exit code 1 at the first bad record.")
        {
            journal,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = Input.File(parse.GetRequiredValue(journal), "journal");
            TextWriter output = parse.InvocationConfiguration.Output;
            var buffer = new MemoryStream();
            await foreach (EvidenceRecord record in FileEvidenceJournal.ReadRecordsAsync(path, cancellationToken).ConfigureAwait(false))
            {
                JsonOutput.WriteRecord(record, buffer, output);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}

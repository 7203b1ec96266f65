using System.Globalization;
using System.Security.Cryptography;
using FailClosed.Gates;

// Usage: FailClosed.Gates.CrashHost <journal> <key.pem> <key-name> <origin> <writers>
// Opens the journal (recovering it), prints "ready <count>", then appends from <writers> concurrent loops and
// prints "ack <sequence> <correlation-id>" for every acknowledged record, until the parent kills it.
//
// Usage: FailClosed.Gates.CrashHost open <journal> <key.pem> <key-name> <origin>
// Opens and closes the journal once, as whatever user runs it (the permission tests run it unprivileged); prints
// "opened <count>" and exits 0, or prints the exception (type, code, inner type, message on one line each) and
// exits 1.
if (args.Length == 5 && args[0] == "open")
{
    using var signer = ECDsa.Create();
    signer.ImportFromPem(File.ReadAllText(args[2]));
    try
    {
        await using FileEvidenceJournal opened = await FileEvidenceJournal.OpenAsync(new FileEvidenceJournalOptions
        {
            Path = args[1],
            Origin = args[4],
            SigningKey = new CheckpointKey(args[3], signer),
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        });
        Console.WriteLine($"opened {opened.Count}");
        return 0;
    }
#pragma warning disable CA1031 // The parent test asserts on whatever was thrown.
    catch (Exception ex)
#pragma warning restore CA1031
    {
        Console.WriteLine(ex.GetType().Name);
        Console.WriteLine(ex is EvidenceUnavailableException unavailable ? unavailable.Code : "-");
        Console.WriteLine(ex.InnerException?.GetType().Name ?? "-");
        Console.WriteLine(ex.Message.ReplaceLineEndings(" "));
        return 1;
    }
}

if (args.Length == 6 && args[0] == "review")
{
    return await ReviewHost.RunAsync(args[1..]);
}

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: FailClosed.Gates.CrashHost <journal> <key.pem> <key-name> <origin> <writers>");
    return 2;
}

using var ecdsa = ECDsa.Create();
ecdsa.ImportFromPem(File.ReadAllText(args[1]));
int writers = int.Parse(args[4], CultureInfo.InvariantCulture);
string run = Guid.NewGuid().ToString("N")[..8];

await using FileEvidenceJournal journal = FileEvidenceJournal.Open(new FileEvidenceJournalOptions
{
    Path = args[0],
    Origin = args[3],
    SigningKey = new CheckpointKey(args[2], ecdsa),
    CheckpointEveryRecords = 50,
});

TextWriter output = Console.Out;
output.WriteLine($"ready {journal.Count}");
output.Flush();

var loops = new Task[writers];
for (int w = 0; w < writers; w++)
{
    int writer = w;
    loops[w] = Task.Run(async () =>
    {
        for (long i = 0; ; i++)
        {
            string correlationId = $"{run}-w{writer}-{i}";
            EvidenceReceipt receipt = await journal.AppendAsync(new EvidenceRecord
            {
                Timestamp = TimeProvider.System.GetUtcNow(),
                Action = "crash.test",
                Kind = EvidenceKind.Intent,
                Verdict = Verdict.Allow,
                Code = GateCodes.Allowed,
                Gate = "crash-host",
                ExecutionId = correlationId,
                Detail = new string('d', (int)(i % 200)),
            });
            lock (output)
            {
                output.WriteLine($"ack {receipt.Sequence} {correlationId}");
                output.Flush();
            }
        }
    });
}

await Task.WhenAll(loops);
return 0;

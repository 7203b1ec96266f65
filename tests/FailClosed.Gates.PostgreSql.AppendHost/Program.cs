using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using FailClosed.Gates;
using FailClosed.Gates.PostgreSql;
using Npgsql;

// Usage: FailClosed.Gates.PostgreSql.AppendHost <connection> <schema> <key.pem> <name> <writers> <executions-each> <kill-at-batch|0>
// Opens the sink, prints "ready", runs <writers> loops of guarded executions through one EvidenceFirstExecutor and
// prints "ack <sequence> <correlation-id>" for every acknowledged Intent; with <kill-at-batch> > 0 it kills itself
// (SIGKILL) at that batch, after its rows are inserted and before the commit.
if (args.Length != 7)
{
    Console.Error.WriteLine("usage: AppendHost <connection> <schema> <key.pem> <name> <writers> <executions-each> <kill-at-batch|0>");
    return 2;
}

using var ecdsa = ECDsa.Create();
ecdsa.ImportFromPem(File.ReadAllText(args[2]));
string name = args[3];
int writers = int.Parse(args[4], CultureInfo.InvariantCulture);
int each = int.Parse(args[5], CultureInfo.InvariantCulture);
int killAt = int.Parse(args[6], CultureInfo.InvariantCulture);
int batches = 0;

await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(args[0]);
await using PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
{
    DataSource = dataSource,
    Schema = args[1],
    Origin = "test.example/payments",
    SigningKey = new CheckpointKey("test.example/key", ecdsa),
    CheckpointEveryRecords = 64,
    BatchTimeout = TimeSpan.FromSeconds(30),
    // Only the victim has a hook (which also keeps it on the locking path, where a batch has a point between insert
    // and commit); the others take the one-round-trip path and fall back when another process appended.
    BatchHook = killAt == 0 ? null : (stage, _, _) =>
    {
        if (stage == BatchStage.BeforeCommit && Interlocked.Increment(ref batches) == killAt)
        {
            Process.GetCurrentProcess().Kill();
        }

        return ValueTask.CompletedTask;
    },
});

var executor = new EvidenceFirstExecutor(sink, new EvidenceFirstExecutorOptions { EvidenceWriteTimeout = TimeSpan.FromSeconds(30) });
var action = new GuardedAction<int>("multi.append", Gate.Allow<int>("allow"), static n => "item " + n.ToString(CultureInfo.InvariantCulture));
TextWriter output = Console.Out;
output.WriteLine("ready");
output.Flush();

var loops = new Task[writers];
for (int w = 0; w < writers; w++)
{
    loops[w] = Task.Run(async () =>
    {
        for (int i = 0; i < each; i++)
        {
            GuardedResult result = await executor.ExecuteAsync(action, i, static (_, _) => ValueTask.CompletedTask);
            if (result.EvidenceReceipt is { } receipt && result.Executed)
            {
                lock (output)
                {
                    output.WriteLine($"ack {receipt.Sequence} {result.ExecutionId} {name}");
                    output.Flush();
                }
            }
        }
    });
}

await Task.WhenAll(loops);
return 0;

using System.Diagnostics;
using System.Reflection;

namespace FailClosed.Gates.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class MultiProcessTests(PostgreSqlFixture db)
{
    private static readonly string s_hostPath = typeof(MultiProcessTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AppendHostPath").Value!;

    [Fact]
    public async Task AppendAsync_ThreeProcessesOneKilledMidBatch_OneChainThatVerifiesWithEveryAcknowledgedRecord()
    {
        string schema = await db.NewSchemaAsync();
        string keyPath = Path.Combine(Path.GetTempPath(), "fcgates-key-" + Guid.NewGuid().ToString("N") + ".pem");
        await File.WriteAllTextAsync(keyPath, db.KeyPair.ExportPkcs8PrivateKeyPem());
        try
        {
            // Three instances, each with its own executor and four writers; "victim" kills itself (SIGKILL) at its
            // third batch, after inserting its rows and before committing them.
            Task<(int ExitCode, string[] Acks)>[] hosts =
            [
                RunHostAsync(schema, keyPath, "a", killAtBatch: 0),
                RunHostAsync(schema, keyPath, "b", killAtBatch: 0),
                RunHostAsync(schema, keyPath, "victim", killAtBatch: 3),
            ];
            (int ExitCode, string[] Acks)[] results = await Task.WhenAll(hosts);

            Assert.Equal(0, results[0].ExitCode);
            Assert.Equal(0, results[1].ExitCode);
            Assert.NotEqual(0, results[2].ExitCode);
            Assert.Equal(2 * 4 * 25, results[0].Acks.Length + results[1].Acks.Length);

            EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);
            Assert.True(verification.IsValid, verification.ToString());
            long rows = await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence");
            Assert.Equal(rows, await db.ScalarAsync<long>($"SELECT count(DISTINCT seq) FROM {schema}.evidence"));
            Assert.Equal(rows, verification.TreeSize);

            // Every acknowledged Intent — the victim's too, before it died — is in the trail at its receipt's sequence.
            string path = Path.Combine(Path.GetTempPath(), "fcgates-" + Guid.NewGuid().ToString("N") + ".journal");
            await PostgreSqlEvidenceTrail.ExportAsync(db.DataSource, path, schema);
            IReadOnlyList<EvidenceRecord> records = FileEvidenceJournal.ReadRecords(path);
            File.Delete(path);
            File.Delete(path + ".checkpoint");
            foreach (string ack in results.SelectMany(r => r.Acks))
            {
                string[] parts = ack.Split(' ');
                EvidenceRecord record = records[int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)];
                Assert.Equal(parts[2], record.ExecutionId);
                Assert.Equal(EvidenceKind.Intent, record.Kind);
            }

            // The survivors' executions are complete: an Intent and an Outcome each.
            Assert.Equal(2 * 2 * 4 * 25, records.Count(r => results[0].Acks.Concat(results[1].Acks).Any(a => a.Split(' ')[2] == r.ExecutionId)));

            // And the trail goes on from its head.
            await using PostgreSqlEvidenceSink sink = await db.OpenAsync(schema);
            Assert.Equal(rows, (await sink.AppendAsync(Records.Record(0))).Sequence);
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    private async Task<(int ExitCode, string[] Acks)> RunHostAsync(string schema, string keyPath, string name, int killAtBatch)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { s_hostPath, db.Server.ConnectionString, schema, keyPath, name, "4", "25", killAtBatch.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120), TimeProvider.System);
        await process.WaitForExitAsync(timeout.Token);
        if (killAtBatch == 0 && process.ExitCode != 0)
        {
            Assert.Fail($"The append host '{name}' exited with {process.ExitCode}: {await error}");
        }

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("ready", lines.FirstOrDefault());
        return (process.ExitCode, lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).ToArray());
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

/// <summary>
/// Kills a child process that appends from many concurrent writers, mid-batch, again and again, and checks after
/// each crash that every sequence it acknowledged is in the journal and that the journal verifies.
/// </summary>
public sealed class JournalCrashTests : IDisposable
{
    /// <summary>Set to a number to run more crashes than the default 20 (e.g. 100 before a release).</summary>
    public const string IterationsVariable = "FCGATES_CRASH_ITERATIONS";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KilledMidBatch_EveryAcknowledgedRecordSurvivesAndTheJournalVerifies()
    {
        int iterations = int.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 20;
        string journalPath = _dir.File("crash.journal");
        string keyPath = _dir.File("key.pem");
        File.WriteAllText(keyPath, JournalTesting.Key.Key.ExportPkcs8PrivateKeyPem());
        var random = new Random(4242);
        var acknowledged = new Dictionary<long, string>();

        for (int iteration = 0; iteration < iterations; iteration++)
        {
            int killAfter = random.Next(1, 400);
            foreach ((long sequence, string correlationId) in RunAndKill(journalPath, keyPath, killAfter))
            {
                Assert.True(acknowledged.TryAdd(sequence, correlationId), $"sequence {sequence} was acknowledged twice");
            }

            await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(journalPath)))
            {
                Assert.False(journal.IsFaulted);
            }

            List<EvidenceRecord> records = JournalTesting.ReadRecords(journalPath);
            foreach ((long sequence, string correlationId) in acknowledged)
            {
                Assert.True(sequence < records.Count, $"crash {iteration}: acknowledged sequence {sequence} is missing; the journal has {records.Count} records");
                Assert.Equal(correlationId, records[(int)sequence].ExecutionId);
            }

            EvidenceVerification verification = EvidenceVerifier.Verify(journalPath, [JournalTesting.Key]);
            Assert.True(verification.IsValid, $"crash {iteration}: {verification}");
        }

        Assert.NotEmpty(acknowledged);
    }

    [Fact]
    public async Task Open_HeldByThisProcess_AnotherProcessIsRefusedTheLock()
    {
        string journalPath = _dir.File("locked.journal");
        string keyPath = _dir.File("key.pem");
        File.WriteAllText(keyPath, JournalTesting.Key.Key.ExportPkcs8PrivateKeyPem());
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(journalPath));

        using Process process = Start(journalPath, keyPath);
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("lock", error, StringComparison.Ordinal);
    }

    private static Process Start(string journalPath, string keyPath)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { CrashHostPath(), journalPath, keyPath, JournalTesting.Key.Name, JournalTesting.Origin, "32" })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static List<(long Sequence, string ExecutionId)> RunAndKill(string journalPath, string keyPath, int killAfter)
    {
        using Process process = Start(journalPath, keyPath);
        var acks = new List<(long, string)>();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (TryParseAck(line, out long sequence, out string? correlationId))
            {
                acks.Add((sequence, correlationId));
                if (acks.Count == killAfter)
                {
                    process.Kill(entireProcessTree: true);
                    break;
                }
            }
        }

        process.WaitForExit();
        Assert.True(acks.Count > 0 || line is not null, $"the crash host printed nothing useful: {process.StandardError.ReadToEnd()}");

        // Lines already printed when the kill landed were acknowledged too; a cut last line was not printed whole.
        string rest = process.StandardOutput.ReadToEnd();
        string[] lines = rest.Split('\n');
        for (int i = 0; i < lines.Length - 1; i++)
        {
            if (TryParseAck(lines[i], out long sequence, out string? correlationId))
            {
                acks.Add((sequence, correlationId));
            }
        }

        return acks;
    }

    private static bool TryParseAck(string line, out long sequence, out string correlationId)
    {
        string[] parts = line.Split(' ');
        if (parts.Length == 3 && parts[0] == "ack" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out sequence))
        {
            correlationId = parts[2];
            return true;
        }

        sequence = -1;
        correlationId = string.Empty;
        return false;
    }

    private static string CrashHostPath()
    {
        string path = typeof(JournalCrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(static a => a.Key == "CrashHostPath").Value!;
        Assert.True(File.Exists(path), $"The crash host was not built at '{path}'.");
        return path;
    }

    private static string DotnetHost()
    {
        // The test host runs under the dotnet muxer; use the same one.
        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Review;

/// <summary>
/// Kills a child process in the middle of approvals and runs, again and again, and checks after each crash that every
/// acknowledged ticket change is there when the queue is reopened, and that the queue file verifies.
/// </summary>
public sealed class FileReviewQueueCrashTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KilledMidApproval_EveryAcknowledgedTransitionSurvivesAndTheQueueVerifies()
    {
        string queuePath = _dir.File("crash.queue");
        string keyPath = _dir.File("key.pem");
        File.WriteAllText(keyPath, JournalTesting.Key.Key.ExportPkcs8PrivateKeyPem());
        var random = new Random(977);
        var acknowledged = new Dictionary<string, int>(StringComparer.Ordinal);

        for (int iteration = 0; iteration < 8; iteration++)
        {
            foreach ((string ticket, int version) in RunAndKill(queuePath, keyPath, random.Next(1, 300)))
            {
                acknowledged[ticket] = Math.Max(version, acknowledged.GetValueOrDefault(ticket));
            }

            await using (FileReviewQueue queue = FileReviewQueue.Open(JournalTesting.Options(queuePath)))
            {
                foreach ((string id, int version) in acknowledged)
                {
                    ReviewTicket? ticket = await queue.FindAsync(id);
                    Assert.True(ticket is not null, $"crash {iteration}: acknowledged ticket {id} is missing");
                    Assert.True(ticket.Version >= version, $"crash {iteration}: ticket {id} is at version {ticket.Version}, but version {version} was acknowledged");
                    Assert.Equal(ticket.Version switch { 0 or 1 => ReviewTicketState.Pending, 2 => ReviewTicketState.Approved, _ => ReviewTicketState.Executed }, ticket.State);
                }
            }

            EvidenceVerification verification = EvidenceVerifier.Verify(queuePath, [JournalTesting.Key]);
            Assert.True(verification.IsValid, $"crash {iteration}: {verification}");
        }

        Assert.Contains(acknowledged.Values, static v => v >= 2);
    }

    private static List<(string Ticket, int Version)> RunAndKill(string queuePath, string keyPath, int killAfter)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { CrashHostPath(), "review", queuePath, keyPath, JournalTesting.Key.Name, JournalTesting.Origin, "8" })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        var acks = new List<(string, int)>();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (TryParseAck(line, out string ticket, out int version))
            {
                acks.Add((ticket, version));
                if (acks.Count == killAfter)
                {
                    process.Kill(entireProcessTree: true);
                    break;
                }
            }
        }

        process.WaitForExit();
        Assert.True(acks.Count > 0, $"the crash host printed nothing useful: {process.StandardError.ReadToEnd()}");
        string[] lines = process.StandardOutput.ReadToEnd().Split('\n');
        for (int i = 0; i < lines.Length - 1; i++)
        {
            if (TryParseAck(lines[i], out string ticket, out int version))
            {
                acks.Add((ticket, version));
            }
        }

        return acks;
    }

    private static bool TryParseAck(string line, out string ticket, out int version)
    {
        string[] parts = line.Split(' ');
        if (parts.Length == 3 && parts[0] == "ack" && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            ticket = parts[1];
            return true;
        }

        ticket = string.Empty;
        version = -1;
        return false;
    }

    private static string CrashHostPath()
    {
        string path = typeof(FileReviewQueueCrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(static a => a.Key == "CrashHostPath").Value!;
        Assert.True(File.Exists(path), $"The crash host was not built at '{path}'.");
        return path;
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

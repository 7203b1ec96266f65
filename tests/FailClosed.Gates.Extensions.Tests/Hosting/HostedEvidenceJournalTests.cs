using FailClosed.Gates.Extensions.Tests.TestUtilities;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FailClosed.Gates.Extensions.Tests.Hosting;

public sealed class HostedEvidenceJournalTests
{
    private static readonly GuardedAction<int> Send = new("payments.send", Gate.Allow<int>("allow"), static n => "payment #" + n);

    [Fact]
    public async Task ExecuteAsync_BeforeTheHostStarts_BlocksWithEvidenceUnavailable()
    {
        await using GatesHost host = GatesHost.Create();
        int runs = 0;

        GuardedResult<int> result = await host.Executor.ExecuteAsync(Send, 1, (n, _) => ValueTask.FromResult(++runs));

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        Assert.Equal(0, runs);
        Assert.False(File.Exists(host.Journal.Path));
    }

    [Fact]
    public async Task StartAsync_OpensTheJournal_AndExecutionsAreRecordedInIt()
    {
        await using GatesHost host = await GatesHost.StartAsync();

        GuardedResult<int> result = await host.Executor.ExecuteAsync(Send, 7, static (n, _) => ValueTask.FromResult(n));

        Assert.True(result.Executed);
        FileEvidenceJournal journal = Assert.IsType<FileEvidenceJournal>(host.HostedJournal.Journal);
        Assert.Equal(Path.GetFullPath(host.Journal.Path), journal.Path);
        Assert.Equal(2, journal.Count); // Intent and Outcome
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == FailClosedGatesEventIds.JournalOpened);
    }

    [Fact]
    public async Task StopAsync_CheckpointsAndClosesTheJournal()
    {
        GatesHost host = await GatesHost.StartAsync();
        await using (host)
        {
            _ = await host.Executor.ExecuteAsync(Send, 7, static (n, _) => ValueTask.FromResult(n));
            FileEvidenceJournal journal = host.HostedJournal.Journal!;

            await host.Host.StopAsync();

            Assert.Equal(journal.Count, journal.LastCheckpoint!.TreeSize);
            Assert.False(host.HostedJournal.IsAvailable);
            Assert.True(File.Exists(host.Journal.Path + ".checkpoint"));
            Assert.False(File.Exists(host.Journal.Path + ".lock") && IsLocked(host.Journal.Path + ".lock"));
            Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == FailClosedGatesEventIds.JournalClosed);
            GuardedResult<int> after = await host.Executor.ExecuteAsync(Send, 8, static (n, _) => ValueTask.FromResult(n));
            Assert.False(after.Executed);
            Assert.Equal(GateCodes.EvidenceUnavailable, after.Decision.Code);
        }
    }

    [Fact]
    public async Task StartAsync_JournalFailsItsChecks_HostDoesNotStart()
    {
        await using GatesHost host = GatesHost.Create();
        Directory.CreateDirectory(Path.GetDirectoryName(host.Journal.Path)!);
        File.WriteAllText(host.Journal.Path, "not a journal"); // records but no checkpoint

        EvidenceUnavailableException thrown = await Assert.ThrowsAsync<EvidenceUnavailableException>(() => host.Host.StartAsync());

        Assert.Equal(GateCodes.EvidenceTampered, thrown.Code);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == FailClosedGatesEventIds.JournalOpenFailed);
    }

    [Fact]
    public async Task RecoverAsync_AfterAFault_ReopensSwapsAndRecordsTheRecovery()
    {
        await using GatesHost host = await GatesHost.StartAsync();
        await host.FaultJournalAsync();
        GuardedResult<int> during = await host.Executor.ExecuteAsync(Send, 1, static (n, _) => ValueTask.FromResult(n));
        Assert.False(during.Executed);
        Assert.Equal(GateCodes.EvidenceUnavailable, during.Decision.Code);
        Assert.True(host.HostedJournal.IsFaulted);
        Assert.Equal(HealthStatus.Unhealthy, await host.HealthAsync());
        FileEvidenceJournal faulted = host.HostedJournal.Journal!;

        host.Anchor.Unreachable = false; // the cause is fixed
        EvidenceReceipt receipt = await host.HostedJournal.RecoverAsync("ops: anchor back, INC-1042");

        Assert.NotSame(faulted, host.HostedJournal.Journal);
        Assert.False(host.HostedJournal.IsFaulted);
        Assert.Equal(1, host.HostedJournal.Recoveries);
        Assert.Equal(HealthStatus.Healthy, await host.HealthAsync());
        GuardedResult<int> after = await host.Executor.ExecuteAsync(Send, 2, static (n, _) => ValueTask.FromResult(n));
        Assert.True(after.Executed);
        await host.Host.StopAsync();
        IReadOnlyList<EvidenceRecord> records = FileEvidenceJournal.ReadRecords(host.Journal.Path);
        EvidenceRecord recovery = records[(int)receipt.Sequence];
        Assert.Equal(EvidenceKind.Recovery, recovery.Kind);
        Assert.Equal(HostedEvidenceJournal.RecoveryAction, recovery.Action);
        Assert.Contains("INC-1042", recovery.Detail, StringComparison.Ordinal);
        Assert.Equal(EvidenceKind.Intent, records[(int)receipt.Sequence + 1].Kind);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == FailClosedGatesEventIds.JournalFaulted);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == FailClosedGatesEventIds.JournalRecovered);
    }

    [Fact]
    public async Task RecoverAsync_CauseNotFixed_ThrowsAndEveryActionStaysBlocked()
    {
        await using GatesHost host = await GatesHost.StartAsync();
        await host.FaultJournalAsync();

        await Assert.ThrowsAsync<EvidenceUnavailableException>(() => host.HostedJournal.RecoverAsync("ops: too early"));

        Assert.True(host.HostedJournal.IsFaulted);
        Assert.Equal(HealthStatus.Unhealthy, await host.HealthAsync());
        GuardedResult<int> result = await host.Executor.ExecuteAsync(Send, 1, static (n, _) => ValueTask.FromResult(n));
        Assert.False(result.Executed);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == FailClosedGatesEventIds.JournalRecoveryFailed);

        host.Anchor.Unreachable = false;
        _ = await host.HostedJournal.RecoverAsync("ops: anchor back");
        Assert.True((await host.Executor.ExecuteAsync(Send, 2, static (n, _) => ValueTask.FromResult(n))).Executed);
    }

    [Fact]
    public async Task StartAsync_RotatedSigningKey_OpensWithThePreviousKeyAndRecordsTheRotation()
    {
        string oldKey;
        string journalPath;
        await using (GatesHost first = await GatesHost.StartAsync())
        {
            _ = await first.Executor.ExecuteAsync(Send, 1, static (n, _) => ValueTask.FromResult(n));
            await first.Host.StopAsync();
            oldKey = Path.Combine(Path.GetTempPath(), "fcg-old-" + Guid.NewGuid().ToString("N") + ".pem");
            File.Copy(first.Journal.KeyPath, oldKey);
            journalPath = Path.Combine(Path.GetTempPath(), "fcg-rotated-" + Guid.NewGuid().ToString("N"));
            CopyDirectory(Path.GetDirectoryName(first.Journal.Path)!, journalPath);
        }

        try
        {
            await using GatesHost second = await GatesHost.StartAsync(o =>
            {
                o.Evidence.Path = Path.Combine(journalPath, "test.journal");
                o.Evidence.PreviousSigningKeys[o.Evidence.Origin!] = oldKey;
            });

            Assert.True((await second.Executor.ExecuteAsync(Send, 2, static (n, _) => ValueTask.FromResult(n))).Executed);
            await second.Host.StopAsync();
            Assert.Contains(FileEvidenceJournal.ReadRecords(Path.Combine(journalPath, "test.journal")), static r => r.Kind == EvidenceKind.KeyRotation);
        }
        finally
        {
            File.Delete(oldKey);
            Directory.Delete(journalPath, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_RotatedSigningKeyWithoutThePreviousKey_HostDoesNotStart()
    {
        string journalPath;
        await using (GatesHost first = await GatesHost.StartAsync())
        {
            await first.Host.StopAsync();
            journalPath = Path.Combine(Path.GetTempPath(), "fcg-rotated-" + Guid.NewGuid().ToString("N"));
            CopyDirectory(Path.GetDirectoryName(first.Journal.Path)!, journalPath);
        }

        try
        {
            await using GatesHost second = GatesHost.Create(o => o.Evidence.Path = Path.Combine(journalPath, "test.journal"));

            await Assert.ThrowsAsync<EvidenceUnavailableException>(() => second.Host.StartAsync());
        }
        finally
        {
            Directory.Delete(journalPath, recursive: true);
        }
    }

    [Fact]
    public async Task RecoverAsync_JournalNotFaulted_Throws()
    {
        await using GatesHost host = await GatesHost.StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.HostedJournal.RecoverAsync("ops: just in case"));

        Assert.Equal(0, host.HostedJournal.Recoveries);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            if (!file.EndsWith(".lock", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }
    }

    private static bool IsLocked(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}

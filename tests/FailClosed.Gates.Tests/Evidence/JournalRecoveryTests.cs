using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

/// <summary>
/// A crash leaves the journal with its last batch partly written and the checkpoint before it. These tests build
/// exactly that state: four records on disk, the checkpoint at three.
/// </summary>
public sealed class JournalRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Scan_LastFrameTruncatedAtEveryByte_IsATornTailAtThatFrame()
    {
        (byte[] bytes, _, long lastFrameStart) = await CrashStateAsync();

        for (long cut = lastFrameStart + 1; cut < bytes.Length; cut++)
        {
            using JournalScan scan = JournalScanner.Scan(new MemoryJournalStorage(bytes[..(int)cut]), 3, keepLeaves: false);

            Assert.Equal(3, scan.Log.Size);
            Assert.Equal(lastFrameStart, scan.ValidLength);
            Assert.NotNull(scan.CheckpointRoot);
            Assert.Equal(new JournalDefect(true, 3, lastFrameStart, scan.Defect!.Reason), scan.Defect);
        }
    }

    [Fact]
    public async Task Open_LastFrameTruncated_RecoversAndKeepsEveryEarlierRecord()
    {
        (byte[] bytes, string checkpoint, long lastFrameStart) = await CrashStateAsync();
        List<EvidenceRecord> original = JournalTesting.ReadRecords(_dir.File("source.journal"));

        // Every offset of the header, then a spread through the entry (the scan test above covers every byte).
        foreach (long cut in Enumerable.Range(0, JournalFrame.HeaderSize + 2).Select(i => lastFrameStart + i)
            .Concat(Enumerable.Range(1, 16).Select(i => lastFrameStart + ((bytes.Length - lastFrameStart) * i / 17)))
            .Append(bytes.Length - 1))
        {
            string path = _dir.File($"cut-{cut}.journal");
            File.WriteAllBytes(path, bytes[..(int)cut]);
            File.WriteAllText(path + ".checkpoint", checkpoint);

            await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(path)))
            {
                Assert.Equal(cut == lastFrameStart ? 3 : 4, journal.Count);
            }

            List<EvidenceRecord> records = JournalTesting.ReadRecords(path);
            Assert.Equal(original.Take(3).Select(static r => r.Hash), records.Take(3).Select(static r => r.Hash));
            if (cut > lastFrameStart)
            {
                Assert.Equal(EvidenceKind.Recovery, records[3].Kind);
                Assert.Contains($"at byte {lastFrameStart}", records[3].Detail, StringComparison.Ordinal);
                Assert.Equal(bytes[(int)lastFrameStart..(int)cut], File.ReadAllBytes($"{path}.torn-{lastFrameStart}"));
            }

            Assert.True(EvidenceVerifier.Verify(path, [JournalTesting.Key]).IsValid);
        }
    }

    [Fact]
    public async Task Open_TornTailFollowedByZeros_Recovers()
    {
        (byte[] bytes, string checkpoint, long lastFrameStart) = await CrashStateAsync();
        byte[] torn = [.. bytes[..(int)(lastFrameStart + 20)], .. new byte[4096]];
        string path = Write(torn, checkpoint);

        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(path));

        Assert.Equal(4, journal.Count);
        Assert.Equal(EvidenceKind.Recovery, JournalTesting.ReadRecords(path)[3].Kind);
    }

    [Fact]
    public async Task Open_LastFrameCorruptedButComplete_RecoversAsTorn()
    {
        (byte[] bytes, string checkpoint, long lastFrameStart) = await CrashStateAsync();
        bytes[^5] ^= 0x20;
        string path = Write(bytes, checkpoint);

        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(path));

        Assert.Equal(4, journal.Count);
        Assert.Equal(EvidenceKind.Recovery, JournalTesting.ReadRecords(path)[3].Kind);
        Assert.True(lastFrameStart > 0);
    }

    [Fact]
    public async Task Open_BadFrameFollowedByGarbage_ThrowsEvidenceTampered()
    {
        (byte[] bytes, string checkpoint, long lastFrameStart) = await CrashStateAsync();
        bytes[lastFrameStart + 20] ^= 0x01;
        byte[] torn = [.. bytes, .. new byte[100], 0x01];
        string path = Write(torn, checkpoint);

        var exception = Assert.Throws<EvidenceUnavailableException>(() => FileEvidenceJournal.Open(JournalTesting.Options(path)));

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
        Assert.Equal(torn, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Open_BadFrameFollowedByAnIntactFrame_ThrowsEvidenceTampered()
    {
        (byte[] bytes, string checkpoint, long lastFrameStart) = await CrashStateAsync();
        byte[] lastFrame = bytes[(int)lastFrameStart..];
        byte[] damaged = [.. bytes[..(int)lastFrameStart], .. lastFrame];
        damaged[lastFrameStart + 30] ^= 0x01;

        // The length field is bumped so the damaged frame swallows a copy of the intact frame: "runs past the end".
        byte[] withIntactCopy = [.. damaged, .. lastFrame];
        withIntactCopy[lastFrameStart + 4] = 0xFF;
        withIntactCopy[lastFrameStart + 5] = 0xFF;
        string path = Write(withIntactCopy, checkpoint);

        var exception = Assert.Throws<EvidenceUnavailableException>(() => FileEvidenceJournal.Open(JournalTesting.Options(path)));

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
    }

    [Fact]
    public async Task Open_TwoRecoveriesAtTheSameOffset_KeepBothCopies()
    {
        (byte[] bytes, string checkpoint, long lastFrameStart) = await CrashStateAsync();
        string path = Write(bytes[..(int)(lastFrameStart + 7)], checkpoint);
        File.WriteAllBytes($"{path}.torn-{lastFrameStart}", [1, 2, 3]);

        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(path));

        Assert.Equal([1, 2, 3], File.ReadAllBytes($"{path}.torn-{lastFrameStart}"));
        Assert.Equal(7, new FileInfo($"{path}.torn-{lastFrameStart}-1").Length);
    }

    private string Write(byte[] bytes, string checkpoint)
    {
        string path = _dir.File($"case-{Guid.NewGuid():N}.journal");
        File.WriteAllBytes(path, bytes);
        File.WriteAllText(path + ".checkpoint", checkpoint);
        return path;
    }

    /// <summary>Returns the bytes of a four-record journal, a checkpoint at three records, and where record 3 starts.</summary>
    private async Task<(byte[] Bytes, string Checkpoint, long LastFrameStart)> CrashStateAsync()
    {
        string path = _dir.File("source.journal");
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(path)))
        {
            for (int i = 0; i < 3; i++)
            {
                await journal.AppendAsync(EvidenceSamples.Record(i));
            }
        }

        string checkpoint = File.ReadAllText(path + ".checkpoint");
        long lastFrameStart = new FileInfo(path).Length;
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(path)))
        {
            await journal.AppendAsync(EvidenceSamples.Record(0) with { ExecutionId = "last" });
        }

        return (File.ReadAllBytes(path), checkpoint, lastFrameStart);
    }
}

using System.Collections.Concurrent;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

public sealed class FileEvidenceJournalTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string JournalPath => _dir.File("evidence.journal");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AppendAsync_ConcurrentWritersThenReopen_EveryAcknowledgedRecordIsReadable()
    {
        var acknowledged = new ConcurrentDictionary<long, string>();
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < 40; i++)
                {
                    EvidenceRecord record = EvidenceSamples.Record(i) with { ExecutionId = $"w{w}-{i}" };
                    EvidenceReceipt receipt = await journal.AppendAsync(record);
                    Assert.True(acknowledged.TryAdd(receipt.Sequence, record.ExecutionId));
                }
            })));
            Assert.Equal(320, journal.Count);
        }

        await using (FileEvidenceJournal reopened = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)))
        {
            Assert.Equal(320, reopened.Count);
        }

        List<EvidenceRecord> records = JournalTesting.ReadRecords(JournalPath);
        Assert.Equal(320, records.Count);
        foreach ((long sequence, string correlationId) in acknowledged)
        {
            Assert.Equal(correlationId, records[(int)sequence].ExecutionId);
        }
    }

    [Fact]
    public async Task AppendAsync_Receipts_MatchIndependentChainAndRootRecomputation()
    {
        var receipts = new List<EvidenceReceipt>();
        string rootAtClose;
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)))
        {
            for (int i = 0; i < 21; i++)
            {
                receipts.Add(await journal.AppendAsync(EvidenceSamples.Record(i)));
            }
        }

        List<EvidenceRecord> records = JournalTesting.ReadRecords(JournalPath);
        var leaves = new List<byte[]>();
        byte[] previous = new byte[32];
        for (int i = 0; i < records.Count; i++)
        {
            byte[] entry = EvidenceEncoding.EncodeEntry(i, previous, EvidenceEncoding.EncodeContent(EvidenceSamples.Record(i)));
            byte[] leaf = ReferenceMerkle.Leaf(entry);
            Assert.Equal(ReferenceMerkle.Hex(previous), records[i].PreviousHash);
            Assert.Equal(ReferenceMerkle.Hex(leaf), records[i].Hash);
            Assert.Equal(new EvidenceReceipt(i, ReferenceMerkle.Hex(leaf), i + 1), receipts[i]);
            leaves.Add(leaf);
            previous = leaf;
        }

        rootAtClose = ReferenceMerkle.Hex(ReferenceMerkle.Root(leaves));
        EvidenceVerification verification = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(rootAtClose, verification.RootHash);
        Assert.Equal(rootAtClose, verification.Checkpoint!.RootHash);
    }

    [Fact]
    public async Task AppendAsync_SameRecordsAsInMemorySink_SameHashes()
    {
        var memory = new InMemoryEvidenceSink();
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));
        for (int i = 0; i < 9; i++)
        {
            Assert.Equal(await memory.AppendAsync(EvidenceSamples.Record(i)), await journal.AppendAsync(EvidenceSamples.Record(i)));
        }
    }

    [Fact]
    public async Task AppendAsync_WhileAWriteIsInFlight_LaterAppendsShareAtMostTwoFlushes()
    {
        using var hold = new ManualResetEventSlim();
        (FileEvidenceJournal journal, FaultyJournalStorage storage, ValueTask<EvidenceReceipt> first) = OpenWithFirstWriteHeld(hold);
        await using FileEvidenceJournal disposeJournal = journal;
        var rest = new List<Task<EvidenceReceipt>>();
        for (int i = 1; i < 64; i++)
        {
            rest.Add(journal.AppendAsync(EvidenceSamples.Record(i)).AsTask());
        }

        hold.Set();
        await first;
        await Task.WhenAll(rest);

        // One batch prepared behind the write in flight, and one for whatever was queued after the writer took it.
        Assert.InRange(storage.Flushes, 2, 3);
        Assert.Equal(64, journal.Count);
    }

    [Fact]
    public async Task AppendAsync_NextBatchPreparedDuringAFlush_IsWrittenOnlyAfterIt_AndCountFollowsTheFile()
    {
        using var hold = new ManualResetEventSlim();
        (FileEvidenceJournal journal, FaultyJournalStorage storage, ValueTask<EvidenceReceipt> first) = OpenWithFirstWriteHeld(hold);
        await using FileEvidenceJournal disposeJournal = journal;
        var rest = Enumerable.Range(1, 63).Select(i => journal.AppendAsync(EvidenceSamples.Record(i)).AsTask()).ToList();
        try
        {
            WaitUntilPrepared(journal, 2);

            // The second batch (the appends queued when the writer took it) is encoded, hashed and chained, but not
            // written while the first is not durable; the appends queued after it wait for the batch after.
            Assert.Equal(1, storage.Writes);
            Assert.Equal(0, journal.Count);
            Assert.All(rest, static append => Assert.False(append.IsCompleted));
        }
        finally
        {
            hold.Set();
        }

        await first;
        EvidenceReceipt[] receipts = await Task.WhenAll(rest);

        Assert.InRange(storage.Writes, 2, 3);
        Assert.Equal(64, journal.Count);
        Assert.Equal(Enumerable.Range(1, 63).Select(static i => (long)i), receipts.Select(static r => r.Sequence).Order());
        await journal.DisposeAsync();
        Assert.True(EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]).IsValid);
    }

    [Fact]
    public async Task AppendAsync_FlushFailsWhileTheNextBatchIsPrepared_ThatBatchFailsUnwritten()
    {
        using var hold = new ManualResetEventSlim();
        (FileEvidenceJournal journal, FaultyJournalStorage storage, ValueTask<EvidenceReceipt> first) = OpenWithFirstWriteHeld(hold);
        var prepared = Enumerable.Range(1, 31).Select(i => journal.AppendAsync(EvidenceSamples.Record(i)).AsTask()).ToList();
        try
        {
            WaitUntilPrepared(journal, 2);
            storage.FailFlushes = true;
        }
        finally
        {
            hold.Set();
        }


        var failed = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await first);
        foreach (Task<EvidenceReceipt> append in prepared)
        {
            var unwritten = await Assert.ThrowsAsync<EvidenceUnavailableException>(() => append);
            Assert.Equal(GateCodes.EvidenceUnavailable, unwritten.Code);
        }

        Assert.IsType<IOException>(failed.InnerException);
        Assert.Equal(1, storage.Writes); // never retried, and the prepared batch never reached the file
        Assert.Equal(1, storage.Flushes);
        Assert.Equal(0, journal.Count);
        Assert.True(journal.IsFaulted);
        await journal.DisposeAsync();
    }

    /// <summary>Opens the journal with its first write held on <paramref name="hold"/>, appends record 0 and waits until that write is held.</summary>
    private (FileEvidenceJournal Journal, FaultyJournalStorage Storage, ValueTask<EvidenceReceipt> First) OpenWithFirstWriteHeld(ManualResetEventSlim hold)
    {
        FaultyJournalStorage? storage = null;
        FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(
            JournalPath,
            wrap: inner => storage = new FaultyJournalStorage(inner) { HoldWrite = hold }));
        ValueTask<EvidenceReceipt> first = journal.AppendAsync(EvidenceSamples.Record(0));
        Assert.True(storage!.WriteWaiting.Wait(TimeSpan.FromSeconds(10)));
        return (journal, storage, first);
    }

    /// <summary>Waits until the writer has encoded and chained <paramref name="records"/> records, written or not.</summary>
    /// <remarks>Blocks (spinning, then sleeping) rather than yielding: a loop of yields can keep the thread pool busy
    /// enough that the writer's own continuation waits behind it.</remarks>
    private static void WaitUntilPrepared(FileEvidenceJournal journal, long records) =>
        Assert.True(
            SpinWait.SpinUntil(() => journal.PreparedCount >= records, TimeSpan.FromSeconds(30)),
            $"The writer prepared {journal.PreparedCount} records, not {records}.");

    [Fact]
    public async Task Open_SecondInstance_ThrowsEvidenceUnavailableNamingTheLock()
    {
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));

        var exception = Assert.Throws<EvidenceUnavailableException>(() => FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)));

        Assert.Equal(GateCodes.EvidenceUnavailable, exception.Code);
        Assert.Contains("lock", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AfterDispose_Succeeds()
    {
        FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));
        await journal.AppendAsync(EvidenceSamples.Record());
        await journal.DisposeAsync();

        await using FileEvidenceJournal reopened = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));

        Assert.Equal(1, reopened.Count);
    }

    [Fact]
    public async Task AppendAsync_Oversized_ThrowsAndWritesNothing()
    {
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));

        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await journal.AppendAsync(EvidenceSamples.Record() with { Detail = new string('x', 70_000) }));

        Assert.Equal(0, journal.Count);
        Assert.Equal(0, new FileInfo(JournalPath).Length);
    }

    [Fact]
    public async Task AppendAsync_CanceledWhileWaiting_ThrowsOperationCanceled()
    {
        FaultyJournalStorage? storage = null;
        using var hold = new ManualResetEventSlim();
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(
            JournalPath,
            wrap: inner => storage = new FaultyJournalStorage(inner) { HoldWrite = hold }));
        using var cancellation = new CancellationTokenSource();

        ValueTask<EvidenceReceipt> append = journal.AppendAsync(EvidenceSamples.Record(), cancellation.Token);
        Assert.True(storage!.WriteWaiting.Wait(TimeSpan.FromSeconds(10)));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await append);
        hold.Set();
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsEvidenceUnavailable()
    {
        FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));
        await journal.DisposeAsync();

        var exception = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await journal.AppendAsync(EvidenceSamples.Record()));

        Assert.Equal(GateCodes.EvidenceUnavailable, exception.Code);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task AppendAsync_WriteOrFlushThrows_FaultsAndRefusesEveryLaterAppend(bool failWrite, bool failFlush)
    {
        FaultyJournalStorage? storage = null;
        FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, wrap: inner => storage = new FaultyJournalStorage(inner)));
        await journal.AppendAsync(EvidenceSamples.Record(0));
        storage!.FailWrites = failWrite;
        storage.FailFlushes = failFlush;

        var failed = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await journal.AppendAsync(EvidenceSamples.Record(1)));
        storage.FailWrites = false;
        storage.FailFlushes = false;
        int writes = storage.Writes;
        int flushes = storage.Flushes;
        var refused = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await journal.AppendAsync(EvidenceSamples.Record(2)));

        Assert.Equal(GateCodes.EvidenceUnavailable, failed.Code);
        Assert.IsType<IOException>(failed.InnerException);
        Assert.Equal(GateCodes.EvidenceUnavailable, refused.Code);
        Assert.True(journal.IsFaulted);
        Assert.Equal(writes, storage.Writes);
        Assert.Equal(flushes, storage.Flushes);
        Assert.Equal(1, journal.Count);
        await journal.DisposeAsync();

        await using FileEvidenceJournal reopened = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));
        Assert.Equal("corr-0", JournalTesting.ReadRecords(JournalPath)[0].ExecutionId);
        Assert.False(reopened.IsFaulted);
    }

    [Fact]
    public async Task AppendAsync_EveryNRecords_WritesAndAnchorsACheckpoint()
    {
        var anchor = new RecordingAnchor();
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, checkpointEvery: 10, anchor: anchor)))
        {
            for (int i = 0; i < 25; i++)
            {
                await journal.AppendAsync(EvidenceSamples.Record(i));
            }

            await anchor.WaitForSizeAsync(20);
        }

        long[] sizes = anchor.Sizes();
        Assert.Equal(0, sizes[0]);
        Assert.Contains(20, sizes);
        Assert.Equal(25, sizes[^1]);
        Assert.Equal(File.ReadAllText(JournalPath + ".checkpoint"), anchor.Last!.Note);
    }

    [Fact]
    public async Task CheckpointInterval_Elapsed_WritesACheckpoint()
    {
        var time = new ManualTimeProvider();
        var anchor = new RecordingAnchor();
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, time: time, anchor: anchor));
        await journal.AppendAsync(EvidenceSamples.Record());

        time.Advance(TimeSpan.FromSeconds(10));
        await anchor.WaitForSizeAsync(1);

        Assert.Equal(1, journal.LastCheckpoint!.TreeSize);
    }

    [Fact]
    public async Task AnchorThrows_FaultsTheJournal()
    {
        var anchor = new RecordingAnchor { FailAfter = 1 };
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, checkpointEvery: 1, anchor: anchor));

        await journal.AppendAsync(EvidenceSamples.Record());
        await anchor.WaitForAttemptsAsync(2);

        await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await journal.AppendAsync(EvidenceSamples.Record(1)));
        Assert.True(journal.IsFaulted);
    }

    [Fact]
    public async Task Open_CheckpointSignedByAnotherKey_ThrowsEvidenceTampered()
    {
        await CreateJournalAsync(3);

        var exception = Assert.Throws<EvidenceUnavailableException>(() =>
            FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, key: JournalTesting.OtherKey)));

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
    }

    [Fact]
    public async Task Open_CheckpointDeleted_ThrowsEvidenceTampered()
    {
        await CreateJournalAsync(3);
        File.Delete(JournalPath + ".checkpoint");

        var exception = Assert.Throws<EvidenceUnavailableException>(() => FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)));

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
    }

    [Fact]
    public async Task Open_WholeFramesCutBelowTheCheckpoint_ThrowsEvidenceTampered()
    {
        long[] frameEnds = await CreateJournalAsync(3);
        using (var stream = new FileStream(JournalPath, FileMode.Open))
        {
            stream.SetLength(frameEnds[1]);
        }

        var exception = Assert.Throws<EvidenceUnavailableException>(() => FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)));

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
        Assert.Contains("were cut", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_BitFlippedMidFile_ThrowsEvidenceTamperedAndChangesNothing()
    {
        long[] frameEnds = await CreateJournalAsync(3);
        byte[] bytes = File.ReadAllBytes(JournalPath);
        bytes[frameEnds[0] + 40] ^= 0x04;
        File.WriteAllBytes(JournalPath, bytes);

        var exception = Assert.Throws<EvidenceUnavailableException>(() => FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)));

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
        Assert.Contains("record 1", exception.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(JournalPath));
    }

    [Fact]
    public void Open_ZeroCheckpointEvery_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, checkpointEvery: 0)));
    }

    /// <summary>Writes a journal of <paramref name="count"/> records and returns the byte offset after each frame.</summary>
    private async Task<long[]> CreateJournalAsync(int count)
    {
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));
        var ends = new long[count];
        for (int i = 0; i < count; i++)
        {
            await journal.AppendAsync(EvidenceSamples.Record(i));
            ends[i] = new FileInfo(JournalPath).Length;
        }

        return ends;
    }
}

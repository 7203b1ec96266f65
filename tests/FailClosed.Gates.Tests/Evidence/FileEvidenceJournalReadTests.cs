using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

public sealed class FileEvidenceJournalReadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string JournalPath => _dir.File("evidence.journal");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadRecords_AfterAppends_ReturnsEveryRecordInOrder()
    {
        await WriteAsync(5);

        IReadOnlyList<EvidenceRecord> records = FileEvidenceJournal.ReadRecords(JournalPath);

        Assert.Equal(5, records.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(i, records[i].Sequence);
            Assert.Equal(EvidenceSamples.Record(i).ExecutionId, records[i].ExecutionId);
        }

        Assert.Equal(records[0].Hash, records[1].PreviousHash);
    }

    [Fact]
    public async Task ReadRecords_ByteChangedInAnEarlierRecord_ThrowsTamperedNamingTheRecord()
    {
        await WriteAsync(6);
        byte[] bytes = await File.ReadAllBytesAsync(JournalPath);
        bytes[bytes.Length / 3] ^= 0x04;
        await File.WriteAllBytesAsync(JournalPath, bytes);

        var exception = Assert.Throws<EvidenceUnavailableException>(() => FileEvidenceJournal.ReadRecords(JournalPath));

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
        Assert.Contains("bad record", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadRecords_TornFinalFrame_ReturnsTheCompleteRecords()
    {
        await WriteAsync(4);
        long length = new FileInfo(JournalPath).Length;
        await using (FileStream file = File.OpenWrite(JournalPath))
        {
            file.SetLength(length - 7); // the last frame loses its end, as a crash mid-write leaves it
        }

        IReadOnlyList<EvidenceRecord> records = FileEvidenceJournal.ReadRecords(JournalPath);

        Assert.Equal(3, records.Count);
    }

    [Fact]
    public void ReadRecords_EmptyPath_Throws()
    {
        Assert.Throws<ArgumentException>(() => FileEvidenceJournal.ReadRecords(string.Empty));
    }

    [Fact]
    public async Task ReadRecordsAsync_JournalLargerThanOneReadWindow_YieldsWhatReadRecordsReturns()
    {
        // More than 8192 records and more than 1 MiB: the stream crosses both batch limits of the reader.
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)))
        {
            await Task.WhenAll(Enumerable.Range(0, 9000).Select(i => journal.AppendAsync(EvidenceSamples.Record(i) with { Detail = new string('d', i % 300) }).AsTask()));
        }

        Assert.True(new FileInfo(JournalPath).Length > 2 << 20, "the journal should span several read windows");
        IReadOnlyList<EvidenceRecord> expected = FileEvidenceJournal.ReadRecords(JournalPath);
        var streamed = new List<EvidenceRecord>();
        await foreach (EvidenceRecord record in FileEvidenceJournal.ReadRecordsAsync(JournalPath))
        {
            streamed.Add(record);
        }

        Assert.Equal(9000, streamed.Count);
        Assert.Equal(expected.Select(static r => (r.Sequence, r.Hash)), streamed.Select(static r => (r.Sequence, r.Hash)));
    }

    [Fact]
    public async Task ReadRecordsAsync_TamperedFrameInTheMiddle_YieldsTheRecordsBeforeItThenThrowsNamingIt()
    {
        long[] ends = await WriteAsync(10);
        byte[] bytes = await File.ReadAllBytesAsync(JournalPath);
        bytes[ends[4] + 40] ^= 0x20; // inside record 5
        await File.WriteAllBytesAsync(JournalPath, bytes);

        var seen = new List<long>();
        var exception = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () =>
        {
            await foreach (EvidenceRecord record in FileEvidenceJournal.ReadRecordsAsync(JournalPath))
            {
                seen.Add(record.Sequence);
            }
        });

        Assert.Equal([0, 1, 2, 3, 4], seen);
        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
        Assert.Contains($"bad record 5 at byte {ends[4]}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadRecordsAsync_CanceledMidway_StopsWithOperationCanceled()
    {
        await WriteAsync(6);
        using var cancellation = new CancellationTokenSource();
        var seen = new List<long>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (EvidenceRecord record in FileEvidenceJournal.ReadRecordsAsync(JournalPath, cancellation.Token))
            {
                seen.Add(record.Sequence);
                if (seen.Count == 2)
                {
                    await cancellation.CancelAsync();
                }
            }
        });

        Assert.Equal([0, 1], seen);
    }

    [Fact]
    public async Task ReadRecordsAsync_TornFinalFrame_EndsWithTheCompleteRecords()
    {
        await WriteAsync(4);
        long length = new FileInfo(JournalPath).Length;
        await using (FileStream file = File.OpenWrite(JournalPath))
        {
            file.SetLength(length - 7);
        }

        var seen = new List<long>();
        await foreach (EvidenceRecord record in FileEvidenceJournal.ReadRecordsAsync(JournalPath))
        {
            seen.Add(record.Sequence);
        }

        Assert.Equal([0, 1, 2], seen);
    }

    [Fact]
    public void ReadRecordsAsync_EmptyPath_ThrowsBeforeEnumerating()
    {
        Assert.Throws<ArgumentException>(() => FileEvidenceJournal.ReadRecordsAsync(string.Empty));
    }

    [Fact]
    public async Task ReadRecordsAsync_MissingFile_ThrowsFileNotFoundWhenEnumerated()
    {
        IAsyncEnumerable<EvidenceRecord> records = FileEvidenceJournal.ReadRecordsAsync(_dir.File("missing.journal"));

        await Assert.ThrowsAsync<FileNotFoundException>(async () => await records.GetAsyncEnumerator().MoveNextAsync());
    }

    private async Task<long[]> WriteAsync(int count)
    {
        var ends = new long[count];
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));
        for (int i = 0; i < count; i++)
        {
            await journal.AppendAsync(EvidenceSamples.Record(i));
            ends[i] = new FileInfo(JournalPath).Length;
        }

        return ends;
    }
}

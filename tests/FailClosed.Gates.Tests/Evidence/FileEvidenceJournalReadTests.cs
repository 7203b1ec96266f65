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

    private async Task WriteAsync(int count)
    {
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));
        for (int i = 0; i < count; i++)
        {
            await journal.AppendAsync(EvidenceSamples.Record(i));
        }
    }
}

using Xunit.Abstractions;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

/// <summary>
/// Verifying and opening a journal stream it: what they allocate stays bounded however many records the journal
/// holds. The scan hashes on worker threads, so the process-wide allocation counter is read, in a collection that
/// runs alone.
/// </summary>
[Collection(ProcessWideMeasurementCollection.Name)]
public sealed class ScanAllocationTests(ITestOutputHelper output) : IDisposable
{
    private const int Records = 100_000;

    // Far below one small object per record (a 32-byte array alone takes 56 bytes): fixed buffers, a window and the
    // thread pool's own bookkeeping fit, per-record allocation does not.
    private const long Bound = 3 * 1024 * 1024;

    // Ordinary records: a KeyRotation record is decoded and kept (the checkpoint's key is judged by them), and a real
    // journal holds a handful, not one in eight as the samples do.
    private static readonly Lazy<SyntheticJournal> s_journal = new(() => SyntheticJournal.Build(Records, record: static n => EvidenceSamples.Record(n) with
    {
        Kind = (EvidenceKind)(n % 7),
    }));

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Verify_HundredThousandRecords_AllocatesLessThanThreeMegabytes()
    {
        string path = WriteJournal();
        Assert.True(EvidenceVerifier.Verify(path, [JournalTesting.Key]).IsValid);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        EvidenceVerification result = EvidenceVerifier.Verify(path, [JournalTesting.Key]);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        output.WriteLine($"Verify of {Records} records allocated {allocated} bytes.");
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(Records, result.TreeSize);
        Assert.True(allocated < Bound, $"Verify of {Records} records allocated {allocated} bytes ({allocated / (double)Records:F1} per record); the bound is {Bound}.");
    }

    [Fact]
    public void Open_HundredThousandRecords_AllocatesLessThanThreeMegabytes()
    {
        string path = WriteJournal();
        FileEvidenceJournal.Open(JournalTesting.Options(path)).Dispose();

        long before = GC.GetTotalAllocatedBytes(precise: true);
        long size;
        using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(path)))
        {
            size = journal.Count;
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        output.WriteLine($"Open of {Records} records allocated {allocated} bytes.");
        Assert.Equal(Records, size);
        Assert.True(allocated < Bound, $"Open of {Records} records allocated {allocated} bytes ({allocated / (double)Records:F1} per record); the bound is {Bound}.");
    }

    private string WriteJournal()
    {
        string path = _dir.File("evidence.journal");
        File.WriteAllBytes(path, s_journal.Value.Bytes);
        File.WriteAllText(path + ".checkpoint", s_journal.Value.Note);
        return path;
    }
}

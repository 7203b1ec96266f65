using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

/// <summary>
/// The scan that checks windows of frames on every core, in aligned subtrees, must find exactly what a pass that
/// checks one frame at a time on one thread finds: the same size, roots, checkpoint root, KeyRotation records and
/// the same first defect, for intact journals and for every kind of tampering.
/// </summary>
public sealed class ParallelScanTests : IDisposable
{
    private const int Records = 3000;

    private static readonly Lazy<SyntheticJournal> s_journal = new(() => SyntheticJournal.Build(Records));

    // Several windows per journal, units that meet the windows at every alignment, and the default.
    private static readonly (int Window, int Unit)[] s_tunings =
    [
        (JournalScanner.DefaultWindowSize, JournalScanner.DefaultMaxUnitLeaves),
        (64 * 1024, JournalScanner.DefaultMaxUnitLeaves),
        (4096, 4),
        (1500, 64),
        (777, 2),
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1234)]
    [InlineData(2048)]
    [InlineData(Records)]
    public void Scan_IntactJournal_MatchesTheReferenceTreeAtEveryTuning(long checkpointSize)
    {
        SyntheticJournal journal = s_journal.Value;
        List<byte[]> leaves = [.. Enumerable.Range(0, Records).Select(i => ReferenceMerkle.Leaf(journal.Frame(i)[JournalFrame.HeaderSize..]))];

        foreach ((int window, int unit) in s_tunings)
        {
            using JournalScan scan = Scan(journal.Bytes, checkpointSize, window, unit, parallel: true);

            Assert.Null(scan.Defect);
            Assert.Equal(Records, scan.Log.Size);
            Assert.Equal(journal.Bytes.Length, scan.ValidLength);
            Assert.Equal(ReferenceMerkle.Root(leaves), scan.Log.Root());
            Assert.Equal(leaves[^1], scan.Log.LastLeafHash.ToArray());
            Assert.Equal(leaves, scan.Leaves);
            if (checkpointSize >= 0)
            {
                Assert.Equal(ReferenceMerkle.Root(leaves, 0, (int)checkpointSize), scan.CheckpointRoot);
            }

            // Every eighth sample record (7, 15, ...) is a KeyRotation; those below the checkpoint are kept.
            long rotations = checkpointSize < 0 ? 0 : checkpointSize / 8;
            Assert.Equal(rotations, scan.KeyRotations.Count);
        }
    }

    [Fact]
    public void Scan_AnyFlippedByte_ReportsTheSameFirstDefectAsTheSequentialPass()
    {
        byte[] bytes = s_journal.Value.Bytes;
        var random = new Random(16);
        for (int n = 0; n < 60; n++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            AssertSameAsSequential(flipped, Records);
        }
    }

    [Fact]
    public void Scan_TruncatedAnywhere_ReportsTheSameTornTailAsTheSequentialPass()
    {
        SyntheticJournal journal = s_journal.Value;
        var random = new Random(17);
        for (int n = 0; n < 30; n++)
        {
            int cut = random.Next(1, journal.Bytes.Length);
            AssertSameAsSequential(journal.Bytes[..cut], -1);
            using JournalScan scan = Scan(journal.Bytes[..cut], -1, JournalScanner.DefaultWindowSize, JournalScanner.DefaultMaxUnitLeaves, parallel: true);
            int intact = Array.FindIndex(journal.FrameEnds, end => end > cut);
            Assert.Equal(intact, scan.Log.Size);
            Assert.True(journal.FrameEnds.Contains(cut) || scan.Defect is { IsTornTail: true }, $"a cut at {cut} was not a torn tail");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(254)] // the record after the one forged is a KeyRotation: its chain is checked all the same
    [InlineData(255)]
    [InlineData(1024)]
    [InlineData(2998)]
    public void Scan_RecordDeletedReorderedDuplicatedOrForged_ReportsTheSameFirstDefectAsTheSequentialPass(int index)
    {
        SyntheticJournal journal = s_journal.Value;
        byte[] before = journal.Bytes[..(int)journal.FrameStart(index)];
        byte[] after = journal.Bytes[(int)journal.FrameEnds[index + 1]..];
        byte[] entry = journal.Frame(index)[JournalFrame.HeaderSize..];
        byte[] forged = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(entry).Replace($"corr-{index}", "corr-X", StringComparison.Ordinal));

        (byte[] Bytes, long Index, string Reason)[] cases =
        [
            ([.. before, .. journal.Frame(index + 1), .. after], index, $"sequence {index + 1} where {index} was expected"),
            ([.. before, .. journal.Frame(index + 1), .. journal.Frame(index), .. after], index, $"sequence {index + 1} where {index} was expected"),
            ([.. before, .. journal.Frame(index), .. journal.Frame(index), .. journal.Frame(index + 1), .. after], index + 1, $"sequence {index} where {index + 1} was expected"),
            ([.. before, .. JournalFrame.Create(forged), .. journal.Frame(index + 1), .. after], index + 1, "previous hash"),
        ];

        foreach ((byte[] bytes, long expectedIndex, string reason) in cases)
        {
            JournalDefect defect = AssertSameAsSequential(bytes, Records)!;
            Assert.False(defect.IsTornTail);
            Assert.Equal(expectedIndex, defect.Index);
            Assert.Contains(reason, defect.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verify_ManyWindowJournalWithForgedCheckpointSignature_IsInvalid()
    {
        SyntheticJournal journal = s_journal.Value;
        string path = _dir.File("evidence.journal");
        File.WriteAllBytes(path, journal.Bytes);
        string[] lines = journal.Note.Split('\n');
        // A character well inside the base64 signature: the last one before '=' padding may carry only padding bits,
        // which decoders ignore, so changing it would not change the signature bytes.
        char[] signature = lines[4].ToCharArray();
        signature[^10] = signature[^10] == 'A' ? 'B' : 'A';
        lines[4] = new string(signature);

        EvidenceVerification intact = EvidenceVerifier.Verify(path, journal.Note, [JournalTesting.Key]);
        EvidenceVerification forged = EvidenceVerifier.Verify(path, string.Join('\n', lines), [JournalTesting.Key]);

        Assert.True(intact.IsValid, intact.ToString());
        Assert.False(forged.IsValid);
        Assert.Null(forged.Checkpoint);
    }

    [Fact]
    public void Scan_RandomJournalsTuningsAndFlips_AgreeWithTheSequentialPass()
    {
        Gen<(int Records, int Checkpoint, int Window, int UnitLog, int Flip)> cases =
            from records in Gen.Choose(1, 400)
            from checkpoint in Gen.Choose(-1, records)
            from window in Gen.Choose(JournalFrame.HeaderSize, 20_000)
            from unitLog in Gen.Choose(0, 9)
            from flip in Gen.Choose(-1, int.MaxValue)
            select (records, checkpoint, window, unitLog, flip);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            SyntheticJournal journal = SyntheticJournal.Build(c.Records);
            byte[] bytes = (byte[])journal.Bytes.Clone();
            if (c.Flip >= 0)
            {
                bytes[c.Flip % bytes.Length] ^= (byte)(1 << (c.Flip % 8));
            }

            using JournalScan expected = Scan(bytes, c.Checkpoint, JournalScanner.DefaultWindowSize, 1, parallel: false);
            using JournalScan actual = Scan(bytes, c.Checkpoint, c.Window, 1 << c.UnitLog, parallel: true);
            return SameOutcome(expected, actual);
        }).QuickCheckThrowOnFailure();
    }

    private static JournalDefect? AssertSameAsSequential(byte[] bytes, long checkpointSize)
    {
        using JournalScan expected = Scan(bytes, checkpointSize, JournalScanner.DefaultWindowSize, 1, parallel: false);
        foreach ((int window, int unit) in s_tunings)
        {
            using JournalScan actual = Scan(bytes, checkpointSize, window, unit, parallel: true);
            Assert.True(SameOutcome(expected, actual), $"window {window}, unit {unit}: {actual.Defect} after {actual.Log.Size} records, where the sequential pass found {expected.Defect} after {expected.Log.Size}");
        }

        return expected.Defect;
    }

    private static bool SameOutcome(JournalScan expected, JournalScan actual) =>
        expected.Defect == actual.Defect
        && expected.Log.Size == actual.Log.Size
        && expected.Log.Root().AsSpan().SequenceEqual(actual.Log.Root())
        && expected.Log.LastLeafHash.SequenceEqual(actual.Log.LastLeafHash)
        && expected.ValidLength == actual.ValidLength
        && (expected.CheckpointRoot ?? []).AsSpan().SequenceEqual(actual.CheckpointRoot ?? [])
        && (expected.CheckpointRoot is null) == (actual.CheckpointRoot is null)
        && expected.KeyRotations.Select(r => r.Sequence).SequenceEqual(actual.KeyRotations.Select(r => r.Sequence))
        && expected.Leaves!.Count == actual.Leaves!.Count;

    private static JournalScan Scan(byte[] bytes, long checkpointSize, int window, int unit, bool parallel)
    {
        using var storage = new MemoryJournalStorage(bytes);
        JournalScanner scanner = JournalScanner.Start(storage, checkpointSize, keepLeaves: true, decode: false, window, unit, parallel);
        while (scanner.Step(null))
        {
        }

        return scanner.Finish();
    }
}

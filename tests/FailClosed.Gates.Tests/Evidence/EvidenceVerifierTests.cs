using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

public sealed class EvidenceVerifierTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string JournalPath => _dir.File("evidence.journal");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Verify_IntactJournal_ReturnsSizeRootAndCheckpoint()
    {
        await WriteJournalAsync(5);

        EvidenceVerification result = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]);

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(5, result.TreeSize);
        Assert.Equal(5, result.Checkpoint!.TreeSize);
        Assert.Equal(result.RootHash, result.Checkpoint.RootHash);
        Assert.Null(result.FailedIndex);
    }

    [Fact]
    public async Task Verify_AnySingleBitFlipInTheJournal_NamesTheRecordItHit()
    {
        long[] frameEnds = await WriteJournalAsync(3);
        byte[] bytes = File.ReadAllBytes(JournalPath);
        string note = File.ReadAllText(JournalPath + ".checkpoint");

        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            int record = Array.FindIndex(frameEnds, end => bit / 8 < end);

            EvidenceVerification result = EvidenceVerifier.Verify(new MemoryJournalStorage(flipped), note, [JournalTesting.Key]);

            Assert.False(result.IsValid, $"bit {bit} went unnoticed");
            Assert.Equal(record, result.FailedIndex);
        }
    }

    [Fact]
    public async Task Verify_ReframedNonCanonicalEntry_NamesItAsNotCanonical()
    {
        long[] ends = await WriteJournalAsync(3);
        byte[] bytes = File.ReadAllBytes(JournalPath);
        byte[] entry = bytes[(int)(ends[0] + JournalFrame.HeaderSize)..(int)ends[1]];
        byte[] spaced = System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(entry).Replace("\"seq\":1", "\"seq\": 1", StringComparison.Ordinal));
        File.WriteAllBytes(JournalPath, [.. bytes[..(int)ends[0]], .. JournalFrame.Create(spaced), .. bytes[(int)ends[1]..]]);

        EvidenceVerification result = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]);

        Assert.Equal(1, result.FailedIndex);
        Assert.Contains("canonical", result.Reason, StringComparison.Ordinal);
        var exception = Assert.Throws<EvidenceUnavailableException>(() => FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)));
        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
    }

    [Fact]
    public async Task Verify_IntactFrameRemovedFromTheMiddle_NamesTheSequenceGap()
    {
        long[] ends = await WriteJournalAsync(3);
        byte[] bytes = File.ReadAllBytes(JournalPath);
        File.WriteAllBytes(JournalPath, [.. bytes[..(int)ends[0]], .. bytes[(int)ends[1]..]]);

        EvidenceVerification result = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]);

        Assert.Equal(1, result.FailedIndex);
        Assert.Contains("sequence 2 where 1 was expected", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RecordRewrittenWithValidCrc_NamesTheBrokenChainAfterIt()
    {
        long[] ends = await WriteJournalAsync(3);
        byte[] bytes = File.ReadAllBytes(JournalPath);
        byte[] entry = bytes[(int)(ends[0] + JournalFrame.HeaderSize)..(int)ends[1]];
        byte[] forged = System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(entry).Replace("corr-1", "corr-X", StringComparison.Ordinal));
        File.WriteAllBytes(JournalPath, [.. bytes[..(int)ends[0]], .. JournalFrame.Create(forged), .. bytes[(int)ends[1]..]]);

        EvidenceVerification result = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]);

        Assert.Equal(2, result.FailedIndex);
        Assert.Contains("previous hash", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Verify_CheckpointBodyLineAltered_IsInvalid(int line)
    {
        await WriteJournalAsync(3);
        string[] lines = File.ReadAllText(JournalPath + ".checkpoint").Split('\n');
        lines[line] = line == 1 ? "2" : "X" + lines[line][1..];
        File.WriteAllText(JournalPath + ".checkpoint", string.Join('\n', lines));

        EvidenceVerification result = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]);

        Assert.False(result.IsValid);
        Assert.Contains("checkpoint", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UntrustedKey_IsInvalid()
    {
        await WriteJournalAsync(2);

        EvidenceVerification result = EvidenceVerifier.Verify(JournalPath, [JournalTesting.OtherKey]);

        Assert.False(result.IsValid);
        Assert.Contains("not signed by a trusted key", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_MissingCheckpointWithTrustedKeys_IsInvalid()
    {
        await WriteJournalAsync(2);
        File.Delete(JournalPath + ".checkpoint");

        Assert.False(EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]).IsValid);
        Assert.True(EvidenceVerifier.Verify(JournalPath, []).IsValid);
    }

    [Fact]
    public async Task Verify_TailCutBelowCheckpoint_IsInvalid()
    {
        long[] frameEnds = await WriteJournalAsync(3);
        File.WriteAllBytes(JournalPath, File.ReadAllBytes(JournalPath)[..(int)frameEnds[1]]);

        EvidenceVerification result = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]);

        Assert.False(result.IsValid);
        Assert.Contains("were cut", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProveInclusion_EveryRecord_VerifiesAgainstTheCheckpointRoot()
    {
        await WriteJournalAsync(11);
        EvidenceCheckpoint checkpoint = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key]).Checkpoint!;
        List<EvidenceRecord> records = JournalTesting.ReadRecords(JournalPath);

        foreach (EvidenceRecord record in records)
        {
            InclusionProof proof = EvidenceVerifier.ProveInclusion(JournalPath, record.Sequence, checkpoint.TreeSize);

            Assert.True(EvidenceVerifier.VerifyInclusion(proof, record.Hash, checkpoint.RootHash));
            Assert.False(EvidenceVerifier.VerifyInclusion(proof, records[(int)((record.Sequence + 1) % 11)].Hash, checkpoint.RootHash));
        }
    }

    [Fact]
    public async Task ProveConsistency_BetweenTwoCheckpoints_Verifies()
    {
        var anchor = new RecordingAnchor();
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, checkpointEvery: 7, anchor: anchor)))
        {
            for (int i = 0; i < 20; i++)
            {
                await journal.AppendAsync(EvidenceSamples.Record(i));
            }
        }

        EvidenceCheckpoint first = Assert.Single(anchor.All(), static c => c.TreeSize == 7);
        EvidenceCheckpoint second = anchor.Last!;
        ConsistencyProof proof = EvidenceVerifier.ProveConsistency(JournalPath, first.TreeSize, second.TreeSize);

        Assert.True(EvidenceVerifier.VerifyConsistency(proof, first.RootHash, second.RootHash));
        Assert.False(EvidenceVerifier.VerifyConsistency(proof, second.RootHash, first.RootHash));
    }

    [Fact]
    public async Task ProveInclusion_TreeLargerThanJournal_Throws()
    {
        await WriteJournalAsync(2);

        Assert.Throws<ArgumentOutOfRangeException>(() => EvidenceVerifier.ProveInclusion(JournalPath, 0, 3));
    }

    private async Task<long[]> WriteJournalAsync(int count)
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

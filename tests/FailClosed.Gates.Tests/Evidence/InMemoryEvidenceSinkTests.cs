using System.Collections.Concurrent;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

public sealed class InMemoryEvidenceSinkTests
{
    [Fact]
    public async Task AppendAsync_First_HasSequenceZeroAndGenesisPrevious()
    {
        var sink = new InMemoryEvidenceSink();

        EvidenceReceipt receipt = await sink.AppendAsync(EvidenceSamples.Record());

        EvidenceRecord stored = Assert.Single(sink.GetRecords());
        Assert.Equal(0, receipt.Sequence);
        Assert.Equal(1, receipt.TreeSize);
        Assert.Equal(new string('0', 64), stored.PreviousHash);
        Assert.Equal(receipt.LeafHash, stored.Hash);
    }

    [Fact]
    public async Task AppendAsync_Many_ChainAndRootEqualIndependentRecomputation()
    {
        var sink = new InMemoryEvidenceSink();
        var leaves = new List<byte[]>();
        byte[] previous = new byte[32];
        for (int i = 0; i < 37; i++)
        {
            EvidenceRecord record = EvidenceSamples.Record(i);
            EvidenceReceipt receipt = await sink.AppendAsync(record);

            byte[] entry = EvidenceEncoding.EncodeEntry(i, previous, EvidenceEncoding.EncodeContent(record));
            byte[] leaf = ReferenceMerkle.Leaf(entry);
            Assert.Equal(ReferenceMerkle.Hex(leaf), receipt.LeafHash);
            Assert.Equal(i + 1, receipt.TreeSize);
            leaves.Add(leaf);
            previous = leaf;
            Assert.Equal(ReferenceMerkle.Hex(ReferenceMerkle.Root(leaves)), sink.RootHash);
        }

        EvidenceRecord[] records = sink.GetRecords();
        for (int i = 1; i < records.Length; i++)
        {
            Assert.Equal(records[i - 1].Hash, records[i].PreviousHash);
        }
    }

    [Fact]
    public void AppendAsync_AllocatesOnlyWhatItKeeps()
    {
        // What stays: the stored record, its hash's text (the next record's previous hash is the same string), the
        // receipt and the list's growth, about 350 bytes. The encoded content and the entry (about 250 and 350 bytes
        // for this record) are built in reused buffers; a copy of either, or of the previous hash, fails this bound.
        var sink = new InMemoryEvidenceSink();
        EvidenceRecord record = EvidenceSamples.Record(1);
        AppendSynchronously(sink, record, 1_000);

        const int Appends = 2_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        AppendSynchronously(sink, record, Appends);
        long perAppend = (GC.GetAllocatedBytesForCurrentThread() - before) / Appends;
        Assert.InRange(perAppend, 1, 400);
        Assert.Equal(3_000, sink.Count);
    }

    private static void AppendSynchronously(InMemoryEvidenceSink sink, EvidenceRecord record, int count)
    {
        for (int i = 0; i < count; i++)
        {
            ValueTask<EvidenceReceipt> append = sink.AppendAsync(record);
            Assert.True(append.IsCompletedSuccessfully);
        }
    }

    [Fact]
    public void RootHash_Empty_IsSha256OfNothing()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", new InMemoryEvidenceSink().RootHash);
    }

    [Fact]
    public async Task AppendAsync_Concurrent_AssignsEverySequenceOnceAndKeepsTheChain()
    {
        var sink = new InMemoryEvidenceSink();
        var sequences = new ConcurrentBag<long>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                EvidenceReceipt receipt = await sink.AppendAsync(EvidenceSamples.Record(i, $"w{w}"));
                sequences.Add(receipt.Sequence);
            }
        })));

        Assert.Equal(Enumerable.Range(0, 1600).Select(static i => (long)i), sequences.Order());
        EvidenceRecord[] records = sink.GetRecords();
        for (int i = 0; i < records.Length; i++)
        {
            Assert.Equal(i, records[i].Sequence);
            Assert.Equal(i == 0 ? new string('0', 64) : records[i - 1].Hash, records[i].PreviousHash);
        }
    }

    [Fact]
    public async Task AppendAsync_Oversized_ThrowsAndAppendsNothing()
    {
        var sink = new InMemoryEvidenceSink();

        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await sink.AppendAsync(EvidenceSamples.Record() with { Detail = new string('x', 70_000) }));

        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public async Task AppendAsync_Canceled_ThrowsAndAppendsNothing()
    {
        var sink = new InMemoryEvidenceSink();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await sink.AppendAsync(EvidenceSamples.Record(), new CancellationToken(canceled: true)));

        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public async Task GetRecords_IsASnapshot()
    {
        var sink = new InMemoryEvidenceSink();
        await sink.AppendAsync(EvidenceSamples.Record());

        EvidenceRecord[] snapshot = sink.GetRecords();
        await sink.AppendAsync(EvidenceSamples.Record(1));

        Assert.Single(snapshot);
        Assert.Equal(2, sink.Count);
    }
}

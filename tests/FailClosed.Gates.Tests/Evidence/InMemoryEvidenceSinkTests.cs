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
    public async Task RootHashAndGetRecords_ReadAtIrregularPoints_EqualTheReferenceOverEveryRecord()
    {
        // The tree is brought up to date only when the root is read: reads after none, one or hundreds of appends,
        // across the store's chunks of 256, must all give the root over every record so far.
        var sink = new InMemoryEvidenceSink();
        var leaves = new List<byte[]>();
        var receipts = new List<EvidenceReceipt>();
        byte[] previous = new byte[32];
        int[] readAt = [0, 1, 2, 3, 255, 256, 257, 511, 600];
        for (int i = 0; i <= 600; i++)
        {
            if (readAt.Contains(i))
            {
                Assert.Equal(ReferenceMerkle.Hex(ReferenceMerkle.Root(leaves)), sink.RootHash);
                Assert.Equal(i, sink.Count);
            }

            if (i == 600)
            {
                break;
            }

            EvidenceRecord record = EvidenceSamples.Record(i);
            receipts.Add(await sink.AppendAsync(record));
            byte[] leaf = ReferenceMerkle.Leaf(EvidenceEncoding.EncodeEntry(i, previous, EvidenceEncoding.EncodeContent(record)));
            leaves.Add(leaf);
            previous = leaf;
        }

        EvidenceRecord[] records = sink.GetRecords();
        Assert.Equal(600, records.Length);
        for (int i = 0; i < records.Length; i++)
        {
            Assert.Equal(i, records[i].Sequence);
            Assert.Equal(ReferenceMerkle.Hex(leaves[i]), records[i].Hash);
            Assert.Equal(receipts[i].LeafHash, records[i].Hash);
            Assert.Equal(i == 0 ? new string('0', 64) : ReferenceMerkle.Hex(leaves[i - 1]), records[i].PreviousHash);
            EvidenceRecord appended = EvidenceSamples.Record(i);
            Assert.Equal(appended with { Sequence = i, PreviousHash = records[i].PreviousHash, Hash = records[i].Hash, Pins = records[i].Pins }, records[i]);
            Assert.Equal(appended.Pins, records[i].Pins);
        }
    }

    [Fact]
    public void AppendAsync_AllocatesOnlyWhatItKeeps()
    {
        // What stays: the record's place in the store (40 bytes in chunks that never move: the reference and the hash's
        // 32 bytes). The encoded content and the entry (about 250 and 350 bytes for this record) are built in reused
        // buffers, the record is kept as given, and the receipt carries the hash inline; a copy of any of them, or the
        // hash as text (152 bytes), fails this bound.
        var sink = new InMemoryEvidenceSink();
        EvidenceRecord record = EvidenceSamples.Record(1);
        AppendSynchronously(sink, record, 1_000);

        const int Appends = 2_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        AppendSynchronously(sink, record, Appends);
        long perAppend = (GC.GetAllocatedBytesForCurrentThread() - before) / Appends;
        Assert.InRange(perAppend, 1, 64);
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

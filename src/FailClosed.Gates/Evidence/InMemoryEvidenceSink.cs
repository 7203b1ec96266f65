using System.Buffers;

namespace FailClosed.Gates;

/// <summary>
/// An evidence sink that keeps records in memory, with the same encoding, chain and Merkle hashing as
/// <see cref="FileEvidenceJournal"/>. For tests and for hosts that ship evidence elsewhere; nothing survives the
/// process.
/// </summary>
/// <remarks>
/// Thread-safe. Appends complete synchronously. An append encodes, hashes and chains its record; the Merkle tree is
/// brought up to date when <see cref="RootHash"/> is read, from the leaf hashes already kept, so appends that nobody
/// reads the root between do not pay for it.
/// </remarks>
public sealed class InMemoryEvidenceSink : IEvidenceSink
{
    // Records are kept in chunks that never move: growing the store copies nothing.
    private const int ChunkSize = 256;

    // The first record's previous hash.
    private static readonly byte[] s_zeroLeaf = new byte[EvidenceHashing.HashSize];
    private static readonly string s_zeroHash = EvidenceHashing.ToHex(s_zeroLeaf);

    private readonly Lock _lock = new();
    private readonly MerkleFrontier _tree = new();
    private readonly List<Stored[]> _chunks = [];
    private long _count;

    /// <summary>Gets the number of records appended.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Gets the lowercase hex RFC 6962 Merkle root over every record appended so far.</summary>
    public string RootHash
    {
        get
        {
            lock (_lock)
            {
                for (long i = _tree.Size; i < _count; i++)
                {
                    _tree.Append(At(i).Hash);
                }

                return EvidenceHashing.ToHex(_tree.Root());
            }
        }
    }

    /// <summary>Returns a snapshot of the records appended so far, in sequence order, with their hashes.</summary>
    /// <returns>A new array; later appends do not change it.</returns>
    public EvidenceRecord[] GetRecords()
    {
        lock (_lock)
        {
            var records = new EvidenceRecord[_count];
            string previous = s_zeroHash;
            for (long i = 0; i < _count; i++)
            {
                ref readonly Stored stored = ref At(i);
                string hash = EvidenceHashing.ToHex(stored.Hash);
                records[i] = stored.Record with { Sequence = i, PreviousHash = previous, Hash = hash };
                previous = hash;
            }

            return records;
        }
    }

    /// <summary>Appends a record; it is "durable" as soon as it is in memory.</summary>
    /// <param name="record">The record; its sequence and hashes are assigned here.</param>
    /// <param name="cancellationToken">Checked before the append.</param>
    /// <returns>The receipt of the appended record.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">The record is invalid or encodes to more than 64 KiB; nothing was appended.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; nothing was appended.</exception>
    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default)
    {
        // Nothing here outlives the append but the record's place in a chunk, which also holds its hash as bytes: the
        // content is encoded into the thread's reusable buffer, the entry is built in a pooled one, the receipt carries
        // the hash inline, and the record is kept as given (it is immutable) until a snapshot asks for it with its hashes.
        using EvidenceEncoding.EncodedContent encoded = EvidenceEncoding.Encode(record);
        cancellationToken.ThrowIfCancellationRequested();

        Span<byte> leaf = stackalloc byte[EvidenceHashing.HashSize];
        lock (_lock)
        {
            ReadOnlySpan<byte> content = encoded.Content;
            long sequence = _count;
            byte[] entry = ArrayPool<byte>.Shared.Rent(EvidenceEncoding.EntryLength(sequence, content.Length));
            try
            {
                ReadOnlySpan<byte> previous = sequence == 0 ? s_zeroLeaf : At(sequence - 1).Hash;
                int length = EvidenceEncoding.WriteEntry(sequence, previous, content, entry);
                EvidenceHashing.LeafHash(entry.AsSpan(0, length), leaf);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(entry);
            }

            int slot = (int)(sequence % ChunkSize);
            if (slot == 0)
            {
                _chunks.Add(new Stored[ChunkSize]);
            }

            ref Stored kept = ref _chunks[^1][slot];
            kept.Record = record;
            leaf.CopyTo(kept.Hash);
            _count = sequence + 1;
            return ValueTask.FromResult(new EvidenceReceipt(sequence, leaf, sequence + 1));
        }
    }

    private ref readonly Stored At(long index) => ref _chunks[(int)(index / ChunkSize)][index % ChunkSize];

    /// <summary>A kept record, as it was appended, and its leaf hash (the next record's previous hash).</summary>
    private struct Stored
    {
        public EvidenceRecord Record;
        public HashBytes Hash;
    }
}

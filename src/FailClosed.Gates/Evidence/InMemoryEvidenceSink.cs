using System.Buffers;

namespace FailClosed.Gates;

/// <summary>
/// An evidence sink that keeps records in memory, with the same encoding, chain and Merkle hashing as
/// <see cref="FileEvidenceJournal"/>. For tests and for hosts that ship evidence elsewhere; nothing survives the
/// process.
/// </summary>
/// <remarks>Thread-safe. Appends complete synchronously.</remarks>
public sealed class InMemoryEvidenceSink : IEvidenceSink
{
    private readonly Lock _lock = new();
    private readonly EvidenceLog _log = new();
    private readonly List<EvidenceRecord> _records = [];
    private string _lastHash = EvidenceHashing.ToHex(new byte[EvidenceHashing.HashSize]);

    /// <summary>Gets the number of records appended.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _log.Size;
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
                return EvidenceHashing.ToHex(_log.Root());
            }
        }
    }

    /// <summary>Returns a snapshot of the records appended so far, in sequence order, with their hashes.</summary>
    /// <returns>A new array; later appends do not change it.</returns>
    public EvidenceRecord[] GetRecords()
    {
        lock (_lock)
        {
            return [.. _records];
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
        // Nothing here outlives the append but the stored record and its hash: the content is encoded into the
        // thread's reusable buffer, the entry is built in a pooled one, and the previous hash's text is the last
        // record's.
        using EvidenceEncoding.EncodedContent encoded = EvidenceEncoding.Encode(record);
        cancellationToken.ThrowIfCancellationRequested();

        Span<byte> leaf = stackalloc byte[EvidenceHashing.HashSize];
        lock (_lock)
        {
            ReadOnlySpan<byte> content = encoded.Content;
            long sequence = _log.Size;
            byte[] entry = ArrayPool<byte>.Shared.Rent(_log.NextEntryLength(content.Length));
            try
            {
                _log.Append(content, entry, leaf);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(entry);
            }

            string previous = _lastHash;
            string hash = EvidenceHashing.ToHex(leaf);
            _records.Add(record with { Sequence = sequence, PreviousHash = previous, Hash = hash });
            _lastHash = hash;
            return ValueTask.FromResult(new EvidenceReceipt(sequence, hash, sequence + 1));
        }
    }
}

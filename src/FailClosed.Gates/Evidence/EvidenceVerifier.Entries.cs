using System.Security.Cryptography;
using System.Text;

namespace FailClosed.Gates;

public static partial class EvidenceVerifier
{
    /// <summary>
    /// Verifies a trail kept outside a journal file (a database, an archive) from its canonical entries, in sequence
    /// order: checks each entry's canonical encoding, sequence and chain, recomputes the Merkle root, and checks the
    /// checkpoint against <paramref name="trustedKeys"/>, exactly as for a journal file.
    /// </summary>
    /// <param name="entries">Every entry from sequence 0, as the sink stored it (the bytes the leaf hash is taken over).</param>
    /// <param name="checkpointNote">The latest signed checkpoint note, or null when there is none.</param>
    /// <param name="trustedKeys">The keys a checkpoint may be signed with; when empty, only the chain is checked.</param>
    /// <returns>The size and root, or the first bad record (its index; no byte offset) and why.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or <paramref name="trustedKeys"/> is null.</exception>
    public static EvidenceVerification Verify(IEnumerable<ReadOnlyMemory<byte>> entries, string? checkpointNote, IReadOnlyList<CheckpointKey> trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        EvidenceCheckpoint? checkpoint = CheckNote(checkpointNote, "there is no checkpoint", trustedKeys, out string? checkpointProblem);
        long checkpointSize = checkpoint?.TreeSize ?? -1;
        byte[]? checkpointRoot = checkpointSize == 0 ? EvidenceHashing.EmptyRoot() : null;
        using var log = new EvidenceLog();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> expectedPrevious = stackalloc byte[EvidenceHashing.HashSize * 2];
        Span<byte> leaf = stackalloc byte[EvidenceHashing.HashSize];
        foreach (ReadOnlyMemory<byte> memory in entries)
        {
            ReadOnlySpan<byte> entry = memory.Span;
            string? reason = null;
            if (entry.Length is 0 or > EvidenceEncoding.MaxEntryBytes)
            {
                reason = $"the entry length {entry.Length} is outside 1..{EvidenceEncoding.MaxEntryBytes}";
            }
            else
            {
                if (CanonicalEntryReader.Validate(entry, out long sequence) is { } error)
                {
                    reason = error;
                }
                else if (sequence != log.Size)
                {
                    reason = $"the record has sequence {sequence} where {log.Size} was expected";
                }
                else
                {
                    ReadOnlySpan<byte> previous = entry.Slice(EvidenceEncoding.PreviousHashOffset(sequence), EvidenceHashing.HashSize * 2);
                    Convert.TryToHexStringLower(log.LastLeafHash, expectedPrevious, out _);
                    if (!previous.SequenceEqual(expectedPrevious))
                    {
                        reason = $"the record's previous hash {Encoding.ASCII.GetString(previous)} is not the hash of the record before it, {Encoding.ASCII.GetString(expectedPrevious)}";
                    }
                    else
                    {
                        EvidenceHashing.LeafHash(sha256, entry, leaf);
                        log.Restore(leaf);
                        if (log.Size == checkpointSize)
                        {
                            checkpointRoot = log.Root();
                        }
                    }
                }
            }

            if (reason is not null)
            {
                return new EvidenceVerification(log.Size, EvidenceHashing.ToHex(log.Root()), null, log.Size, null, reason);
            }
        }

        // A trail read from entries (a database) carries no KeyRotation records: its trusted keys are all current.
        return Conclude(log, checkpointRoot, checkpoint, checkpointProblem, [], trustedKeys);
    }
}

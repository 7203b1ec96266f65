namespace FailClosed.Gates;

/// <summary>The result of <see cref="EvidenceVerifier.Verify(string, IReadOnlyList{CheckpointKey})"/>: the verified size and root, or the first bad record.</summary>
public sealed class EvidenceVerification
{
    internal EvidenceVerification(long treeSize, string rootHash, EvidenceCheckpoint? checkpoint, long? failedIndex, long? failedOffset, string? reason)
    {
        TreeSize = treeSize;
        RootHash = rootHash;
        Checkpoint = checkpoint;
        FailedIndex = failedIndex;
        FailedOffset = failedOffset;
        Reason = reason;
    }

    /// <summary>Gets whether every record and the checkpoint verified.</summary>
    public bool IsValid => Reason is null;

    /// <summary>Gets the number of records that verified (all of them when <see cref="IsValid"/>).</summary>
    public long TreeSize { get; }

    /// <summary>Gets the lowercase hex Merkle root of the <see cref="TreeSize"/> records that verified.</summary>
    public string RootHash { get; }

    /// <summary>Gets the checkpoint that verified against a trusted key, if any.</summary>
    public EvidenceCheckpoint? Checkpoint { get; }

    /// <summary>Gets the index of the first bad record, or null when valid or when only the checkpoint is bad.</summary>
    public long? FailedIndex { get; }

    /// <summary>Gets the byte offset of the first bad record's frame in a journal file, or null (also for a trail verified from its entries).</summary>
    public long? FailedOffset { get; }

    /// <summary>Gets what failed, or null when valid.</summary>
    public string? Reason { get; }

    /// <inheritdoc />
    public override string ToString() => IsValid
        ? $"OK: {TreeSize} records, root {RootHash}" + (Checkpoint is null ? ", no checkpoint checked" : $", checkpoint at {Checkpoint.TreeSize} verified")
        : FailedIndex is { } index
            ? FailedOffset is { } offset ? $"BAD: record {index} (byte {offset}): {Reason}" : $"BAD: record {index}: {Reason}"
            : $"BAD: {Reason}";
}

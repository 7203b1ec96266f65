namespace FailClosed.Gates;

/// <summary>
/// A signed statement of a journal's size and Merkle root, in the C2SP checkpoint text form
/// (c2sp.org/tlog-checkpoint over c2sp.org/signed-note).
/// </summary>
public sealed class EvidenceCheckpoint
{
    internal EvidenceCheckpoint(string origin, long treeSize, string rootHash, string note)
    {
        Origin = origin;
        TreeSize = treeSize;
        RootHash = rootHash;
        Note = note;
    }

    /// <summary>Gets the log's origin line, which names the log.</summary>
    public string Origin { get; }

    /// <summary>Gets the number of records the checkpoint commits to.</summary>
    public long TreeSize { get; }

    /// <summary>Gets the lowercase hex RFC 6962 Merkle root of the first <see cref="TreeSize"/> records.</summary>
    public string RootHash { get; }

    /// <summary>Gets the whole signed note, as written to the checkpoint file.</summary>
    public string Note { get; }
}

namespace FailClosed.Gates;

/// <summary>
/// The right edge of an RFC 6962 Merkle tree: the roots of its perfect subtrees, largest first. Appending a leaf
/// and computing the root cost O(log n) without keeping the leaves.
/// </summary>
internal sealed class MerkleFrontier
{
    // A tree of up to 2^63 leaves has at most 63 perfect subtrees, plus one slot for the leaf being merged.
    private readonly byte[] _nodes = new byte[64 * EvidenceHashing.HashSize];
    private int _count;

    /// <summary>Gets the number of leaves appended.</summary>
    public long Size { get; private set; }

    /// <summary>Appends a leaf hash.</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        leafHash.CopyTo(Slot(_count));
        _count++;
        for (long size = Size; (size & 1) == 1; size >>= 1)
        {
            // The two rightmost subtrees are now the same height: merge them.
            EvidenceHashing.NodeHash(Slot(_count - 2), Slot(_count - 1), Slot(_count - 2));
            _count--;
        }

        Size++;
    }

    /// <summary>Returns the Merkle tree hash of the leaves appended so far.</summary>
    public byte[] Root()
    {
        if (_count == 0)
        {
            return EvidenceHashing.EmptyRoot();
        }

        byte[] root = Slot(_count - 1).ToArray();
        for (int i = _count - 2; i >= 0; i--)
        {
            EvidenceHashing.NodeHash(Slot(i), root, root);
        }

        return root;
    }

    private Span<byte> Slot(int index) => _nodes.AsSpan(index * EvidenceHashing.HashSize, EvidenceHashing.HashSize);
}

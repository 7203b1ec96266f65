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

    /// <summary>
    /// Appends the root of a perfect subtree of 2^<paramref name="height"/> leaves, as appending those leaves one by
    /// one would; the tree's size must be a multiple of the subtree's, so the subtree is aligned in the whole tree.
    /// </summary>
    public void AppendSubtree(ReadOnlySpan<byte> root, int height)
    {
        long leaves = 1L << height;
        if ((Size & (leaves - 1)) != 0)
        {
            throw new InvalidOperationException($"A subtree of {leaves} leaves cannot follow {Size} leaves: it must start at a multiple of its size.");
        }

        root.CopyTo(Slot(_count));
        _count++;
        for (long size = Size >> height; (size & 1) == 1; size >>= 1)
        {
            EvidenceHashing.NodeHash(Slot(_count - 2), Slot(_count - 1), Slot(_count - 2));
            _count--;
        }

        Size += leaves;
    }

    /// <summary>
    /// Writes the root of the perfect subtree over <paramref name="leafHashes"/> (a power of two of them, back to
    /// back) into <paramref name="root"/>.
    /// </summary>
    public static void SubtreeRoot(ReadOnlySpan<byte> leafHashes, Span<byte> root)
    {
        int count = leafHashes.Length / EvidenceHashing.HashSize;
        if (count == 0 || (count & (count - 1)) != 0 || count * EvidenceHashing.HashSize != leafHashes.Length)
        {
            throw new ArgumentException($"A perfect subtree has a power of two of leaves; {leafHashes.Length} bytes of leaf hashes are not that.", nameof(leafHashes));
        }

        // The same merging as Append, on a stack: at most one pending node per height.
        Span<byte> stack = stackalloc byte[32 * EvidenceHashing.HashSize];
        int depth = 0;
        for (int i = 0; i < count; i++)
        {
            leafHashes.Slice(i * EvidenceHashing.HashSize, EvidenceHashing.HashSize).CopyTo(stack.Slice(depth * EvidenceHashing.HashSize));
            depth++;
            for (int size = i; (size & 1) == 1; size >>= 1)
            {
                Span<byte> left = stack.Slice((depth - 2) * EvidenceHashing.HashSize, EvidenceHashing.HashSize);
                EvidenceHashing.NodeHash(left, stack.Slice((depth - 1) * EvidenceHashing.HashSize, EvidenceHashing.HashSize), left);
                depth--;
            }
        }

        stack[..EvidenceHashing.HashSize].CopyTo(root);
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

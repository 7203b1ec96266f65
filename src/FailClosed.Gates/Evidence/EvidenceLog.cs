using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>
/// The append state every sink shares: the next sequence, the previous leaf hash and the Merkle frontier. Not
/// thread-safe; its owner serializes appends.
/// </summary>
internal sealed class EvidenceLog : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MerkleFrontier _tree = new();
    private readonly byte[] _lastLeaf = new byte[EvidenceHashing.HashSize];

    /// <summary>Gets the number of records in the log, which is also the next sequence.</summary>
    public long Size => _tree.Size;

    /// <summary>Gets the leaf hash of the last record, or 32 zero bytes when the log is empty.</summary>
    public ReadOnlySpan<byte> LastLeafHash => _lastLeaf;

    /// <summary>Returns the length of the next entry for content of <paramref name="contentLength"/> bytes.</summary>
    public int NextEntryLength(int contentLength) => EvidenceEncoding.EntryLength(Size, contentLength);

    /// <summary>Writes the next entry into <paramref name="destination"/>, advances the log and returns the entry length.</summary>
    public int Append(ReadOnlySpan<byte> content, Span<byte> destination, Span<byte> leafHash)
    {
        int length = EvidenceEncoding.WriteEntry(Size, _lastLeaf, content, destination);
        EvidenceHashing.LeafHash(_sha256, destination[..length], leafHash);
        Restore(leafHash);
        return length;
    }

    /// <summary>Advances the log past a record already stored, given its leaf hash.</summary>
    public void Restore(ReadOnlySpan<byte> leafHash)
    {
        leafHash.CopyTo(_lastLeaf);
        _tree.Append(leafHash);
    }

    /// <summary>
    /// Advances the log past 2^<paramref name="height"/> records already stored and checked, given the root of their
    /// perfect subtree and the last one's leaf hash; the log's size must be a multiple of their count.
    /// </summary>
    public void RestoreSubtree(ReadOnlySpan<byte> subtreeRoot, int height, ReadOnlySpan<byte> lastLeafHash)
    {
        _tree.AppendSubtree(subtreeRoot, height);
        lastLeafHash.CopyTo(_lastLeaf);
    }

    /// <summary>Returns the Merkle root over every record.</summary>
    public byte[] Root() => _tree.Root();

    /// <inheritdoc />
    public void Dispose() => _sha256.Dispose();
}

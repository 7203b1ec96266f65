using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>What the scanner learns from one intact frame on its own: its leaf hash and its decoded record, or why it does not decode.</summary>
internal readonly struct FrameResult
{
    private FrameResult(byte[] leaf, EvidenceRecord? record, string? error)
    {
        Leaf = leaf;
        Record = record;
        Error = error;
    }

    /// <summary>Gets the leaf hash of the entry.</summary>
    public byte[] Leaf { get; }

    /// <summary>Gets the decoded record, or null when it does not decode canonically.</summary>
    public EvidenceRecord? Record { get; }

    /// <summary>Gets why the entry does not decode, or null.</summary>
    public string? Error { get; }

    /// <summary>Hashes and decodes one entry.</summary>
    public static FrameResult Of(IncrementalHash sha256, ReadOnlySpan<byte> entry)
    {
        var leaf = new byte[EvidenceHashing.HashSize];
        EvidenceHashing.LeafHash(sha256, entry, leaf);
        try
        {
            return new FrameResult(leaf, EvidenceEncoding.Decode(entry), null);
        }
        catch (FormatException ex)
        {
            return new FrameResult(leaf, null, ex.Message);
        }
    }
}

using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>What the scanner learns from one intact frame on its own: its leaf hash and its decoded record, or why it does not decode.</summary>
internal readonly struct FrameResult
{
    private FrameResult(byte[] leaf, long sequence, EvidenceRecord? record, string? error)
    {
        Leaf = leaf;
        Sequence = sequence;
        Record = record;
        Error = error;
    }

    /// <summary>Gets the leaf hash of the entry.</summary>
    public byte[] Leaf { get; }

    /// <summary>Gets the record's sequence, when the entry is canonical.</summary>
    public long Sequence { get; }

    /// <summary>Gets the decoded record, when it was asked for and the entry is canonical.</summary>
    public EvidenceRecord? Record { get; }

    /// <summary>Gets why the entry is not canonical, or null when it is.</summary>
    public string? Error { get; }

    /// <summary>Hashes one entry and checks it is canonical, building its record only when <paramref name="decode"/> is set.</summary>
    public static FrameResult Of(IncrementalHash sha256, ReadOnlySpan<byte> entry, bool decode)
    {
        var leaf = new byte[EvidenceHashing.HashSize];
        EvidenceHashing.LeafHash(sha256, entry, leaf);
        if (!decode)
        {
            string? error = CanonicalEntryReader.Validate(entry, out long sequence);
            return new FrameResult(leaf, sequence, null, error);
        }

        try
        {
            EvidenceRecord record = EvidenceEncoding.Decode(entry);
            return new FrameResult(leaf, record.Sequence, record, null);
        }
        catch (FormatException ex)
        {
            return new FrameResult(leaf, -1, null, ex.Message);
        }
    }
}

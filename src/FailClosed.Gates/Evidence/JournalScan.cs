namespace FailClosed.Gates;

/// <summary>The result of reading a journal from the start: the state after the last good record, and any defect.</summary>
internal sealed class JournalScan(EvidenceLog log, long validLength, byte[]? checkpointRoot, List<byte[]>? leaves, JournalDefect? defect, IReadOnlyList<EvidenceRecord>? keyRotations = null) : IDisposable
{
    /// <summary>Gets the append state after the last good record.</summary>
    public EvidenceLog Log { get; } = log;

    /// <summary>Gets the offset just past the last good frame.</summary>
    public long ValidLength { get; } = validLength;

    /// <summary>Gets the Merkle root at the requested checkpoint size, or null when the log is shorter.</summary>
    public byte[]? CheckpointRoot { get; } = checkpointRoot;

    /// <summary>Gets every good record's leaf hash, when they were asked for.</summary>
    public List<byte[]>? Leaves { get; } = leaves;

    /// <summary>Gets why the scan stopped before the end of the file, or null when every frame was good.</summary>
    public JournalDefect? Defect { get; } = defect;

    /// <summary>Gets the KeyRotation records among the first checkpoint-size records, in order.</summary>
    public IReadOnlyList<EvidenceRecord> KeyRotations { get; } = keyRotations ?? [];

    /// <inheritdoc />
    public void Dispose() => Log.Dispose();
}

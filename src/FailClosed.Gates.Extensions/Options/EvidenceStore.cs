namespace FailClosed.Gates.Extensions;

/// <summary>Where a registration's evidence records are appended.</summary>
public enum EvidenceStore
{
    /// <summary>A <see cref="FileEvidenceJournal"/>, opened when the host starts and closed when it stops (the default).</summary>
    File = 0,

    /// <summary>An <see cref="InMemoryEvidenceSink"/>: lost when the process ends; for tests and samples, and only when asked for by name.</summary>
    InMemory = 1,
}

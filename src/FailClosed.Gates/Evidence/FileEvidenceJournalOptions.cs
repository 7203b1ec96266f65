namespace FailClosed.Gates;

/// <summary>Settings of a <see cref="FileEvidenceJournal"/>.</summary>
public sealed class FileEvidenceJournalOptions
{
    /// <summary>Gets the journal file path. The checkpoint (<c>.checkpoint</c>) and lock (<c>.lock</c>) files sit next to it.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the log's origin, the first line of every checkpoint; a schema-less URL such as <c>audit.example.com/payments</c>.</summary>
    public required string Origin { get; init; }

    /// <summary>Gets the key that signs checkpoints; it must hold the private key.</summary>
    public required CheckpointKey SigningKey { get; init; }

    /// <summary>
    /// Gets keys that signed this journal's earlier checkpoints, to rotate the signing key: opening accepts a
    /// checkpoint signed by one of them, appends a <see cref="EvidenceKind.KeyRotation"/> record naming the old and
    /// new key, and signs every later checkpoint with <see cref="SigningKey"/>. Public keys suffice.
    /// </summary>
    /// <value>Default empty: the checkpoint must be signed by <see cref="SigningKey"/>.</value>
    public IReadOnlyList<CheckpointKey> PreviousKeys { get; init; } = [];

    /// <summary>Gets how many records may be appended before a checkpoint is written.</summary>
    /// <value>Default 1024; at least 1.</value>
    public int CheckpointEveryRecords { get; init; } = 1024;

    /// <summary>Gets how often a checkpoint is written when records were appended since the last one.</summary>
    /// <value>Default one minute; <see cref="Timeout.InfiniteTimeSpan"/> turns the timer off.</value>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets the clock for record timestamps and the checkpoint timer.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets where to publish each checkpoint besides the checkpoint file, if anywhere.</summary>
    public ICheckpointAnchor? Anchor { get; init; }

    /// <summary>Gets the most records written and flushed together; 1 turns group commit off (benchmarks only).</summary>
    internal int MaxBatchRecords { get; init; } = 4096;

    /// <summary>Gets a wrapper around the journal file, to inject faults in tests.</summary>
    internal Func<IJournalStorage, IJournalStorage>? StorageWrapper { get; init; }
}

using Microsoft.Extensions.Logging;
using Npgsql;

namespace FailClosed.Gates.PostgreSql;

/// <summary>Settings of a <see cref="PostgreSqlEvidenceSink"/>.</summary>
public sealed class PostgreSqlEvidenceSinkOptions
{
    /// <summary>Gets the data source the sink connects through; the caller owns and disposes it.</summary>
    public required NpgsqlDataSource DataSource { get; init; }

    /// <summary>Gets the schema holding the trail (see <see cref="PostgreSqlEvidenceSchema"/>).</summary>
    /// <value>Default <see cref="PostgreSqlEvidenceSchema.DefaultSchema"/>.</value>
    public string Schema { get; init; } = PostgreSqlEvidenceSchema.DefaultSchema;

    /// <summary>Gets the log's origin, the first line of every checkpoint; every instance appending to the trail uses the same one.</summary>
    public required string Origin { get; init; }

    /// <summary>Gets the key that signs this instance's checkpoints; it must hold the private key.</summary>
    public required CheckpointKey SigningKey { get; init; }

    /// <summary>Gets other keys a checkpoint already in the trail may be signed with (other instances', earlier keys).</summary>
    /// <value>Default empty: only <see cref="SigningKey"/> is trusted.</value>
    public IReadOnlyList<CheckpointKey> TrustedKeys { get; init; } = [];

    /// <summary>Gets how many records the trail may grow by before this instance writes a checkpoint.</summary>
    /// <value>Default 1024; at least 1.</value>
    public int CheckpointEveryRecords { get; init; } = 1024;

    /// <summary>Gets how often a checkpoint is written when the trail grew since the last one.</summary>
    /// <value>Default one minute; <see cref="Timeout.InfiniteTimeSpan"/> turns the timer off.</value>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets how long one batch (connect, lock, insert, commit) may take before its appends are refused.</summary>
    /// <value>Default 5 seconds; positive.</value>
    public TimeSpan BatchTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the clock for the checkpoint timer and batch timeouts.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets where to publish each checkpoint besides the checkpoints table, if anywhere.</summary>
    public ICheckpointAnchor? Anchor { get; init; }

    /// <summary>Gets the logger factory for the sink's events (<see cref="PostgreSqlEventId"/>).</summary>
    /// <value>Default none: nothing is logged.</value>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Gets the most records inserted and committed together; 1 turns group commit off (benchmarks only).</summary>
    internal int MaxBatchRecords { get; init; } = 4096;

    /// <summary>Gets a hook called at each stage of a batch, to inject faults in tests.</summary>
    internal Func<BatchStage, NpgsqlConnection, CancellationToken, ValueTask>? BatchHook { get; init; }
}

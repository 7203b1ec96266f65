using Npgsql;

namespace FailClosed.Gates.PostgreSql;

/// <summary>Settings of a <see cref="PostgreSqlReviewQueue"/>.</summary>
public sealed class PostgreSqlReviewQueueOptions
{
    /// <summary>Gets the data source the queue connects through; the caller owns and disposes it.</summary>
    public required NpgsqlDataSource DataSource { get; init; }

    /// <summary>Gets the schema holding the queue (see <see cref="PostgreSqlReviewQueueSchema"/>).</summary>
    /// <value>Default <see cref="PostgreSqlEvidenceSchema.DefaultSchema"/>.</value>
    public string Schema { get; init; } = PostgreSqlEvidenceSchema.DefaultSchema;

    /// <summary>Gets how long one operation (connect, read, change) may take before it fails as <see cref="GateCodes.EvidenceUnavailable"/>.</summary>
    /// <value>Default 5 seconds; positive and finite.</value>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the clock for operation timeouts.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

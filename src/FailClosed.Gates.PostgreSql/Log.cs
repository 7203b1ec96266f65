using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.PostgreSql;

[ExcludeFromCodeCoverage]
internal static partial class Log
{
    [LoggerMessage(EventId = PostgreSqlEventId.SinkOpened, EventName = "SinkOpened", Level = LogLevel.Information,
        Message = "Opened the PostgreSQL evidence trail in schema '{Schema}' at {TreeSize} records.")]
    public static partial void SinkOpened(this ILogger logger, string schema, long treeSize);

    [LoggerMessage(EventId = PostgreSqlEventId.BatchFailed, EventName = "BatchFailed", Level = LogLevel.Warning,
        Message = "A batch of {Count} evidence records in schema '{Schema}' failed before its commit; the appends were refused as EvidenceUnavailable and nothing was written.")]
    public static partial void BatchFailed(this ILogger logger, int count, string schema, Exception exception);

    [LoggerMessage(EventId = PostgreSqlEventId.BatchOutcomeUnknown, EventName = "BatchOutcomeUnknown", Level = LogLevel.Warning,
        Message = "A batch of {Count} evidence records from sequence {FirstSequence} in schema '{Schema}' failed after its rows were sent; the appends were refused as EvidenceUnavailable and the next batch reads the head before appending.")]
    public static partial void BatchOutcomeUnknown(this ILogger logger, int count, long firstSequence, string schema, Exception exception);

    [LoggerMessage(EventId = PostgreSqlEventId.BatchOutcomeResolved, EventName = "BatchOutcomeResolved", Level = LogLevel.Warning,
        Message = "The unacknowledged batch of {Count} records from sequence {FirstSequence} in schema '{Schema}' was {Outcome}.")]
    public static partial void BatchOutcomeResolved(this ILogger logger, int count, long firstSequence, string schema, string outcome);

    [LoggerMessage(EventId = PostgreSqlEventId.TamperDetected, EventName = "TamperDetected", Level = LogLevel.Error,
        Message = "The evidence trail in schema '{Schema}' failed a tamper-evidence check: {Reason}.")]
    public static partial void TamperDetected(this ILogger logger, string schema, string reason);

    [LoggerMessage(EventId = PostgreSqlEventId.CheckpointFailed, EventName = "CheckpointFailed", Level = LogLevel.Warning,
        Message = "The checkpoint at {TreeSize} records of the evidence trail in schema '{Schema}' could not be written or published; it is tried again later.")]
    public static partial void CheckpointFailed(this ILogger logger, long treeSize, string schema, Exception exception);

    [LoggerMessage(EventId = PostgreSqlEventId.CheckpointWritten, EventName = "CheckpointWritten", Level = LogLevel.Debug,
        Message = "Wrote the checkpoint at {TreeSize} records of the evidence trail in schema '{Schema}'.")]
    public static partial void CheckpointWritten(this ILogger logger, long treeSize, string schema);
}

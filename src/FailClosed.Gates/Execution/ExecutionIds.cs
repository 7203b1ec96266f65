using System.Diagnostics;

namespace FailClosed.Gates;

/// <summary>Creates the id of one execution and reads the W3C trace id it runs in.</summary>
/// <remarks>
/// An execution id is a UUIDv7 whose timestamp comes from the executor's <see cref="TimeProvider"/>: ids sort by
/// creation time (so an operator can read a journal or a queue in order without parsing records), the clock stays
/// the injected one, and its 74 random bits make two executions in the same millisecond distinct. The trace id is
/// not the execution id: many executions share one trace.
/// </remarks>
internal static class ExecutionIds
{
    /// <summary>
    /// Returns a new UUIDv7 in its 36-character lowercase form, stamped with <paramref name="timeProvider"/>'s now; a
    /// clock before 1970 (which a UUIDv7 cannot express) stamps the Unix epoch rather than failing the execution.
    /// </summary>
    public static string New(TimeProvider timeProvider)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        return Guid.CreateVersion7(now < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : now).ToString();
    }

    /// <summary>Returns the W3C trace id of <see cref="Activity.Current"/>, or <see langword="null"/> when there is no W3C activity.</summary>
    public static string? CurrentTraceId() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;
}

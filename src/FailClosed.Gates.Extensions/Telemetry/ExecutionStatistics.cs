namespace FailClosed.Gates.Extensions;

/// <summary>What the health check reads about one registration: the latest append latency and the review backlog.</summary>
/// <remarks>
/// The backlog is this host's view: tickets it queued, less the ones it saw approved, rejected or expired. A ticket
/// decided by another instance sharing the queue is not subtracted here; the queue itself holds the truth.
/// </remarks>
internal sealed class ExecutionStatistics
{
    private long _lastAppendTicks;
    private long _pendingReviews;

    public TimeSpan LastAppendLatency => TimeSpan.FromTicks(Volatile.Read(ref _lastAppendTicks));

    public long PendingReviews => Math.Max(0, Interlocked.Read(ref _pendingReviews));

    public void RecordAppend(TimeSpan elapsed) => Volatile.Write(ref _lastAppendTicks, elapsed.Ticks);

    public void RecordQueuedReview() => Interlocked.Increment(ref _pendingReviews);

    public void RecordDecidedReview() => Interlocked.Decrement(ref _pendingReviews);
}

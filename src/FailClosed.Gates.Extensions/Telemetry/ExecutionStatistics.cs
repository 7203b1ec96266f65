namespace FailClosed.Gates.Extensions;

/// <summary>What the health check reads about one registration: the latest append latency and the review backlog.</summary>
internal sealed class ExecutionStatistics
{
    private long _lastAppendTicks;
    private long _queuedReviews;

    public TimeSpan LastAppendLatency => TimeSpan.FromTicks(Volatile.Read(ref _lastAppendTicks));

    public long QueuedReviews => Interlocked.Read(ref _queuedReviews);

    public void RecordAppend(TimeSpan elapsed) => Volatile.Write(ref _lastAppendTicks, elapsed.Ticks);

    public void RecordQueuedReview() => Interlocked.Increment(ref _queuedReviews);
}


namespace FailClosed.Gates.Tests.Review;

public sealed class InMemoryReviewQueueTests
{
    [Fact]
    public async Task EnqueueAsync_IssuesSequentialTicketsStampedByTheClock()
    {
        var clock = new ManualTimeProvider();
        var queue = new InMemoryReviewQueue(clock);

        ReviewTicket first = await queue.EnqueueAsync(Request("a", "c1"));
        clock.Advance(TimeSpan.FromMinutes(1));
        ReviewTicket second = await queue.EnqueueAsync(Request("b", "c2"));

        Assert.Equal("review-000001", first.Id);
        Assert.Equal("review-000002", second.Id);
        Assert.Equal("a", first.Action);
        Assert.Equal("c2", second.ExecutionId);
        Assert.Equal(clock.GetUtcNow(), second.CreatedAt);
        Assert.Equal(["a", "b"], queue.Requests.Select(static r => r.Action));
        Assert.Equal([first, second], queue.Tickets);
    }

    [Fact]
    public async Task EnqueueAsync_Canceled_ThrowsAndQueuesNothing()
    {
        var queue = new InMemoryReviewQueue();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(async () => await queue.EnqueueAsync(Request("a", "c"), cts.Token));

        Assert.Empty(queue.Requests);
    }

    [Fact]
    public async Task EnqueueAsync_NullRequest_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await new InMemoryReviewQueue().EnqueueAsync(null!));
    }

    private static ReviewRequest Request(string action, string correlationId) => new()
    {
        Action = action,
        Decision = GateDecision.Indeterminate("g", GateCodes.EvidenceUnavailable),
        ExecutionId = correlationId,
        RequestedAt = DateTimeOffset.UnixEpoch,
    };
}

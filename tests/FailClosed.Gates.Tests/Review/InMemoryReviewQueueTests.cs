namespace FailClosed.Gates.Tests.Review;

public sealed class InMemoryReviewQueueTests
{
    [Fact]
    public async Task EnqueueAsync_CreatesAPendingTicketAtVersionZero()
    {
        var queue = new InMemoryReviewQueue();

        ReviewTicket ticket = await queue.EnqueueAsync(ReviewTesting.Request("t1", "a"));

        Assert.Equal("t1", ticket.Id);
        Assert.Equal(ReviewTicketState.Pending, ticket.State);
        Assert.Equal(0, ticket.Version);
        Assert.Same(ticket, await queue.FindAsync("t1"));
    }

    [Fact]
    public async Task EnqueueAsync_SameIdTwice_Conflicts()
    {
        var queue = new InMemoryReviewQueue();
        await queue.EnqueueAsync(ReviewTesting.Request("t1", "a"));

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.EnqueueAsync(ReviewTesting.Request("t1", "a")));
    }

    [Fact]
    public async Task EnqueueAsync_DigestThatIsNotTheDescriptionsHash_Throws()
    {
        var queue = new InMemoryReviewQueue();

        await Assert.ThrowsAsync<ArgumentException>(async () => await queue.EnqueueAsync(ReviewTesting.Request("t1", "a") with { RequestDigest = new string('0', 64) }));
    }

    [Fact]
    public async Task EnqueueAsync_Canceled_ThrowsAndQueuesNothing()
    {
        var queue = new InMemoryReviewQueue();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(async () => await queue.EnqueueAsync(ReviewTesting.Request("t1", "a"), cts.Token));

        Assert.Empty(queue.Tickets);
    }

    [Fact]
    public async Task ApplyAsync_StaleVersion_ConflictsAndChangesNothing()
    {
        var queue = new InMemoryReviewQueue();
        await queue.EnqueueAsync(ReviewTesting.Request("t1", "a"));
        await queue.ApplyAsync(ReviewTesting.Approve("t1", 0, "alice", ReviewTicketState.Pending));

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(ReviewTesting.Approve("t1", 0, "bob", ReviewTicketState.Pending)));

        ReviewTicket ticket = (await queue.FindAsync("t1"))!;
        Assert.Equal(1, ticket.Version);
        Assert.Equal(["alice"], ticket.Approvals.Select(static v => v.Reviewer));
    }

    [Theory]
    [InlineData("requester")]
    [InlineData("alice")]
    public async Task ApplyAsync_VoteByTheRequesterOrASecondVote_Conflicts(string reviewer)
    {
        var queue = new InMemoryReviewQueue();
        await queue.EnqueueAsync(ReviewTesting.Request("t1", "a"));
        await queue.ApplyAsync(ReviewTesting.Approve("t1", 0, "alice", ReviewTicketState.Pending));

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(ReviewTesting.Approve("t1", 1, reviewer, ReviewTicketState.Pending)));
    }

    [Fact]
    public async Task ApplyAsync_ExecuteAPendingTicket_Conflicts()
    {
        var queue = new InMemoryReviewQueue();
        await queue.EnqueueAsync(ReviewTesting.Request("t1", "a"));

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(new ReviewTransition
        {
            TicketId = "t1",
            ExpectedVersion = 0,
            Kind = ReviewTransitionKind.Execute,
            NewState = ReviewTicketState.Executed,
            At = DateTimeOffset.UnixEpoch,
        }));
    }

    [Fact]
    public async Task ListAsync_FiltersByStateAndActionOldestFirst()
    {
        var queue = new InMemoryReviewQueue();
        await queue.EnqueueAsync(ReviewTesting.Request("t2", "b", DateTimeOffset.UnixEpoch.AddMinutes(2)));
        await queue.EnqueueAsync(ReviewTesting.Request("t1", "a", DateTimeOffset.UnixEpoch.AddMinutes(1)));
        await queue.EnqueueAsync(ReviewTesting.Request("t3", "a", DateTimeOffset.UnixEpoch.AddMinutes(3)));
        await queue.ApplyAsync(ReviewTesting.Approve("t3", 0, "alice", ReviewTicketState.Rejected, ReviewTransitionKind.Reject));

        IReadOnlyList<ReviewTicket> open = await queue.ListAsync(ReviewTicketFilter.Open);
        IReadOnlyList<ReviewTicket> ofA = await queue.ListAsync(new ReviewTicketFilter { Action = "a" });

        Assert.Equal(["t1", "t2"], open.Select(static t => t.Id));
        Assert.Equal(["t1", "t3"], ofA.Select(static t => t.Id));
    }
}

using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Review;

public sealed class FileReviewQueueTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string QueuePath => _dir.File("review.queue");

    [Fact]
    public async Task Open_AfterChanges_RebuildsEveryTicketAsItWas()
    {
        ReviewTicket before;
        await using (FileReviewQueue queue = FileReviewQueue.Open(JournalTesting.Options(QueuePath)))
        {
            await queue.EnqueueAsync(ReviewTesting.Request("t1", "a"));
            await queue.EnqueueAsync(ReviewTesting.Request("t2", "b", DateTimeOffset.UnixEpoch.AddMinutes(1)));
            await queue.ApplyAsync(ReviewTesting.Approve("t1", 0, "alice", ReviewTicketState.Pending));
            before = await queue.ApplyAsync(ReviewTesting.Approve("t1", 1, "bob", ReviewTicketState.Approved));
        }

        await using (FileReviewQueue reopened = FileReviewQueue.Open(JournalTesting.Options(QueuePath)))
        {
            ReviewTicket after = (await reopened.FindAsync("t1"))!;
            Assert.Equal(ReviewTicketState.Approved, after.State);
            Assert.Equal(2, after.Version);
            Assert.Equal(before.RequestDigest, after.RequestDigest);
            Assert.Equal(before.RequestDescription, after.RequestDescription);
            Assert.Equal(before.ExpiresAt, after.ExpiresAt);
            Assert.Equal(before.Requester, after.Requester);
            Assert.Equal(before.Decision.Code, after.Decision.Code);
            Assert.Equal(before.Approvals, after.Approvals);
            Assert.Equal(["t1", "t2"], (await reopened.ListAsync(ReviewTicketFilter.Open)).Select(static t => t.Id));

            // A change decided against the rebuilt state still applies, and a stale one still conflicts.
            await Assert.ThrowsAsync<ReviewConflictException>(async () => await reopened.ApplyAsync(ReviewTesting.Approve("t1", 1, "carol", ReviewTicketState.Approved)));
        }

        Assert.True(EvidenceVerifier.Verify(QueuePath, [JournalTesting.Key]).IsValid);
        Assert.Equal(2, FileReviewQueue.ReadTickets(QueuePath).Count);
    }

    [Fact]
    public async Task ApplyAsync_Conflict_WritesNothing()
    {
        await using FileReviewQueue queue = FileReviewQueue.Open(JournalTesting.Options(QueuePath));
        await queue.EnqueueAsync(ReviewTesting.Request("t1", "a"));
        int records = FileEvidenceJournal.ReadRecords(QueuePath).Count;

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(ReviewTesting.Approve("t1", 5, "alice", ReviewTicketState.Pending)));

        Assert.Equal(records, FileEvidenceJournal.ReadRecords(QueuePath).Count);
    }

    [Fact]
    public async Task Open_WhileOpen_IsRefused()
    {
        await using FileReviewQueue queue = FileReviewQueue.Open(JournalTesting.Options(QueuePath));

        Assert.ThrowsAny<Exception>(() => FileReviewQueue.Open(JournalTesting.Options(QueuePath)));
    }

    [Fact]
    public async Task Open_AJournalWhoseRecordsAreNotTicketEvents_IsRefusedAsTampered()
    {
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(QueuePath)))
        {
            await journal.AppendAsync(EvidenceSamples.Record(0));
        }

        var refused = Assert.Throws<EvidenceUnavailableException>(() => FileReviewQueue.Open(JournalTesting.Options(QueuePath)));

        Assert.Equal(GateCodes.EvidenceTampered, refused.Code);
    }

    [Fact]
    public async Task Executor_WithAFileQueue_RunsTheWholeLifecycleAndSurvivesAReopen()
    {
        string id;
        await using (FileReviewQueue queue = FileReviewQueue.Open(JournalTesting.Options(QueuePath)))
        {
            var f = new ReviewFixture(queue: queue);
            ReviewTicket ticket = await f.ApproveByTwoAsync(await f.EscalateAsync());
            id = ticket.Id;
            Assert.Equal(ReviewTicketState.Approved, ticket.State);
        }

        await using (FileReviewQueue queue = FileReviewQueue.Open(JournalTesting.Options(QueuePath)))
        {
            var f = new ReviewFixture(queue: queue);
            GuardedResult<int> first = await f.RunApprovedAsync(id, ReviewFixture.Invoice());
            GuardedResult<int> second = await f.RunApprovedAsync(id, ReviewFixture.Invoice());
            Assert.True(first.Executed);
            Assert.Equal(GateCodes.ReviewConsumed, second.Decision.Code);
        }

        Assert.Equal(ReviewTicketState.Executed, Assert.Single(FileReviewQueue.ReadTickets(QueuePath)).State);
    }
}

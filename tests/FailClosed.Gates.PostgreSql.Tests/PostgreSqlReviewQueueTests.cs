using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

/// <summary>The review-queue contract, as InMemoryReviewQueue and FileReviewQueue keep it, on a real server.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlReviewQueueTests(PostgreSqlFixture db)
{
    [Fact]
    public async Task EnqueueAsync_NewRequest_PendingTicketAtVersionZeroThatAnotherInstanceFinds()
    {
        string schema = await db.NewReviewSchemaAsync();
        await using NpgsqlDataSource other = db.Server.CreateDataSource();

        ReviewTicket ticket = await Reviews.Queue(schema, db.DataSource).EnqueueAsync(Reviews.Request("t1"));
        ReviewTicket? found = await Reviews.Queue(schema, other).FindAsync("t1");

        Assert.Equal("t1", ticket.Id);
        Assert.Equal(ReviewTicketState.Pending, ticket.State);
        Assert.Equal(0, ticket.Version);
        Assert.Equal(Reviews.Describe(ticket), Reviews.Describe(found));
        Assert.Equal("Pending", await db.ScalarAsync<string>($"SELECT state FROM {schema}.review_tickets WHERE id = 't1'"));
    }

    [Fact]
    public async Task EnqueueAsync_SameIdTwiceFromTwoInstances_ConflictsAndKeepsTheFirst()
    {
        string schema = await db.NewReviewSchemaAsync();
        await Reviews.Queue(schema, db.DataSource).EnqueueAsync(Reviews.Request("t1", "a"));
        await using NpgsqlDataSource other = db.Server.CreateDataSource();

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await Reviews.Queue(schema, other).EnqueueAsync(Reviews.Request("t1", "b")));

        Assert.Equal("a", (await Reviews.Queue(schema, db.DataSource).FindAsync("t1"))!.Action);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_events"));
    }

    [Fact]
    public async Task EnqueueAsync_DigestThatIsNotTheDescriptionsHash_ThrowsAndQueuesNothing()
    {
        string schema = await db.NewReviewSchemaAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await Reviews.Queue(schema, db.DataSource).EnqueueAsync(Reviews.Request("t1") with { RequestDigest = new string('0', 64) }));

        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_tickets"));
    }

    [Fact]
    public async Task EnqueueAsync_Canceled_ThrowsAndQueuesNothing()
    {
        string schema = await db.NewReviewSchemaAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Reviews.Queue(schema, db.DataSource).EnqueueAsync(Reviews.Request("t1"), cts.Token));

        Assert.Empty(await Reviews.Queue(schema, db.DataSource).ListAsync(ReviewTicketFilter.All));
    }

    [Fact]
    public async Task FindAsync_UnknownId_ReturnsNull()
    {
        string schema = await db.NewReviewSchemaAsync();

        Assert.Null(await Reviews.Queue(schema, db.DataSource).FindAsync("nope"));
    }

    [Fact]
    public async Task ApplyAsync_StaleVersion_ConflictsAndChangesNothing()
    {
        string schema = await db.NewReviewSchemaAsync();
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, db.DataSource);
        await queue.EnqueueAsync(Reviews.Request("t1"));
        await queue.ApplyAsync(Reviews.Vote("t1", 0, "alice", ReviewTicketState.Pending));

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(Reviews.Vote("t1", 0, "bob", ReviewTicketState.Pending)));

        ReviewTicket ticket = (await queue.FindAsync("t1"))!;
        Assert.Equal(1, ticket.Version);
        Assert.Equal(["alice"], ticket.Approvals.Select(static v => v.Reviewer));
        Assert.Equal(2L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_events"));
    }

    [Theory]
    [InlineData(Reviews.Requester)]
    [InlineData("alice")]
    public async Task ApplyAsync_VoteByTheRequesterOrASecondVote_Conflicts(string reviewer)
    {
        string schema = await db.NewReviewSchemaAsync();
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, db.DataSource);
        await queue.EnqueueAsync(Reviews.Request("t1"));
        await queue.ApplyAsync(Reviews.Vote("t1", 0, "alice", ReviewTicketState.Pending));

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(Reviews.Vote("t1", 1, reviewer, ReviewTicketState.Pending)));

        Assert.Equal(1, (await queue.FindAsync("t1"))!.Version);
    }

    [Fact]
    public async Task ApplyAsync_ExecuteAPendingTicket_Conflicts()
    {
        string schema = await db.NewReviewSchemaAsync();
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, db.DataSource);
        await queue.EnqueueAsync(Reviews.Request("t1"));

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(Reviews.Claim("t1", 0)));

        Assert.Equal(ReviewTicketState.Pending, (await queue.FindAsync("t1"))!.State);
    }

    [Fact]
    public async Task ApplyAsync_UnknownTicket_Conflicts()
    {
        string schema = await db.NewReviewSchemaAsync();

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await Reviews.Queue(schema, db.DataSource).ApplyAsync(Reviews.Claim("nope", 0)));
    }

    [Fact]
    public async Task ApplyAsync_ExecutedTicket_CannotRunOrExpireAgain()
    {
        string schema = await db.NewReviewSchemaAsync();
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, db.DataSource);
        await queue.EnqueueAsync(Reviews.Request("t1"));
        await queue.ApplyAsync(Reviews.Vote("t1", 0, "alice", ReviewTicketState.Approved));
        ReviewTicket executed = await queue.ApplyAsync(Reviews.Claim("t1", 1));

        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(Reviews.Claim("t1", 2)));
        await Assert.ThrowsAsync<ReviewConflictException>(async () => await queue.ApplyAsync(Reviews.Claim("t1", 2, ReviewTransitionKind.Expire, ReviewTicketState.Expired)));

        Assert.Equal(ReviewTicketState.Executed, executed.State);
        Assert.Equal(Reviews.Describe(executed), Reviews.Describe(await queue.FindAsync("t1")));
    }

    [Fact]
    public async Task ListAsync_FiltersByStateActionAndAgeOldestFirst()
    {
        string schema = await db.NewReviewSchemaAsync();
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, db.DataSource);
        await queue.EnqueueAsync(Reviews.Request("t2", "b", Records.Start.AddMinutes(2)));
        await queue.EnqueueAsync(Reviews.Request("t1", "a", Records.Start.AddMinutes(1)));
        await queue.EnqueueAsync(Reviews.Request("t3", "a", Records.Start.AddMinutes(3)));
        await queue.ApplyAsync(Reviews.Vote("t3", 0, "alice", ReviewTicketState.Rejected, ReviewTransitionKind.Reject));

        IReadOnlyList<ReviewTicket> open = await queue.ListAsync(ReviewTicketFilter.Open);
        IReadOnlyList<ReviewTicket> ofA = await queue.ListAsync(new ReviewTicketFilter { Action = "a" });
        IReadOnlyList<ReviewTicket> old = await queue.ListAsync(new ReviewTicketFilter { CreatedAtOrBefore = Records.Start.AddMinutes(2) });
        IReadOnlyList<ReviewTicket> rejected = await queue.ListAsync(new ReviewTicketFilter { States = [ReviewTicketState.Rejected] });

        Assert.Equal(["t1", "t2"], open.Select(static t => t.Id));
        Assert.Equal(["t1", "t3"], ofA.Select(static t => t.Id));
        Assert.Equal(["t1", "t2"], old.Select(static t => t.Id));
        Assert.Equal(["t3"], rejected.Select(static t => t.Id));
        Assert.Equal(1, rejected[0].Version);
    }

    [Fact]
    public async Task Operations_TheSameScriptAsTheInMemoryQueue_GiveTheSameTicketsAndTheSameConflicts()
    {
        string schema = await db.NewReviewSchemaAsync();
        PostgreSqlReviewQueue postgres = Reviews.Queue(schema, db.DataSource);
        var memory = new InMemoryReviewQueue();
        var random = new Random(20260101);
        string[] reviewers = [Reviews.Requester, "alice", "bob", "carol", "dave"];
        ReviewTransitionKind[] kinds = Enum.GetValues<ReviewTransitionKind>();
        ReviewTicketState[] states = Enum.GetValues<ReviewTicketState>();
        int applied = 0;

        for (int step = 0; step < 150; step++)
        {
            string id = "t" + random.Next((step / 6) + 2); // new tickets keep arriving as old ones reach a final state
            Func<IReviewQueue, ValueTask<ReviewTicket>> operation;
            if (random.Next(4) == 0)
            {
                ReviewRequest request = Reviews.Request(id, random.Next(2) == 0 ? "a" : "b", Records.Start.AddMinutes(random.Next(3)));
                operation = q => q.EnqueueAsync(request);
            }
            else
            {
                // Mostly plausible changes (current version, a state the kind can lead to), some stale or illegal ones.
                int version = ((await memory.FindAsync(id))?.Version ?? 0) + (random.Next(4) == 0 ? random.Next(-1, 2) : 0);
                ReviewTransitionKind kind = kinds[random.Next(kinds.Length)];
                ReviewTicketState next = random.Next(5) == 0 ? states[random.Next(states.Length)] : kind switch
                {
                    ReviewTransitionKind.Approve => random.Next(2) == 0 ? ReviewTicketState.Pending : ReviewTicketState.Approved,
                    ReviewTransitionKind.Reject => random.Next(2) == 0 ? ReviewTicketState.Pending : ReviewTicketState.Rejected,
                    ReviewTransitionKind.Expire => ReviewTicketState.Expired,
                    _ => ReviewTicketState.Executed,
                };
                ReviewTransition transition = kind is ReviewTransitionKind.Approve or ReviewTransitionKind.Reject
                    ? Reviews.Vote(id, version, reviewers[random.Next(reviewers.Length)], next, kind)
                    : Reviews.Claim(id, version, kind, next);
                operation = q => q.ApplyAsync(transition);
            }

            string expected = await OutcomeAsync(operation, memory);
            string actual = await OutcomeAsync(operation, postgres);
            Assert.True(expected == actual, $"Step {step}: the in-memory queue gave\n{expected}\nbut PostgreSQL gave\n{actual}");
            applied += expected.StartsWith("ok", StringComparison.Ordinal) ? 1 : 0;
        }

        foreach (ReviewTicketFilter filter in new[] { ReviewTicketFilter.All, ReviewTicketFilter.Open, new ReviewTicketFilter { Action = "b" }, new ReviewTicketFilter { CreatedAtOrBefore = Records.Start.AddMinutes(1) } })
        {
            Assert.Equal((await memory.ListAsync(filter)).Select(Reviews.Describe), (await postgres.ListAsync(filter)).Select(Reviews.Describe));
        }

        // The script exercises both sides of the contract: changes that apply and changes that conflict.
        Assert.True(applied is >= 30 and <= 120, $"{applied} of 150 operations applied.");
    }

    [Fact]
    public async Task ApplyAsync_ManyApprovalsAtOneVersionFromTwoInstances_ExactlyOneApplies()
    {
        string schema = await db.NewReviewSchemaAsync();
        await using NpgsqlDataSource other = db.Server.CreateDataSource();
        PostgreSqlReviewQueue[] queues = [Reviews.Queue(schema, db.DataSource), Reviews.Queue(schema, other)];
        await queues[0].EnqueueAsync(Reviews.Request("t1"));

        Task<string>[] votes = [.. Enumerable.Range(0, 16).Select(i => Task.Run(() => OutcomeAsync(q => q.ApplyAsync(Reviews.Vote("t1", 0, "reviewer-" + i, ReviewTicketState.Pending)), queues[i % 2])))];
        string[] outcomes = await Task.WhenAll(votes);

        Assert.Single(outcomes, static o => o.StartsWith("ok", StringComparison.Ordinal));
        Assert.All(outcomes.Where(static o => !o.StartsWith("ok", StringComparison.Ordinal)), static o => Assert.Equal(nameof(ReviewConflictException), o));
        ReviewTicket ticket = (await queues[1].FindAsync("t1"))!;
        Assert.Equal(1, ticket.Version);
        Assert.Single(ticket.Approvals);
        Assert.Equal(2L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_events"));
    }

    [Fact]
    public async Task ApplyAsync_ManyClaimsOfAnApprovedTicketFromTwoInstances_ExactlyOneClaims()
    {
        string schema = await db.NewReviewSchemaAsync();
        await using NpgsqlDataSource other = db.Server.CreateDataSource();
        PostgreSqlReviewQueue[] queues = [Reviews.Queue(schema, db.DataSource), Reviews.Queue(schema, other)];
        await queues[0].EnqueueAsync(Reviews.Request("t1"));
        await queues[0].ApplyAsync(Reviews.Vote("t1", 0, "alice", ReviewTicketState.Approved));

        string[] outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => OutcomeAsync(q => q.ApplyAsync(Reviews.Claim("t1", 1)), queues[i % 2]))));

        Assert.Single(outcomes, static o => o.StartsWith("ok", StringComparison.Ordinal));
        Assert.Equal(15, outcomes.Count(static o => o == nameof(ReviewConflictException)));
        Assert.Equal(ReviewTicketState.Executed, (await queues[0].FindAsync("t1"))!.State);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_events WHERE version = 2"));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PostgreSqlReviewQueue(new PostgreSqlReviewQueueOptions { DataSource = db.DataSource, OperationTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PostgreSqlReviewQueue(new PostgreSqlReviewQueueOptions { DataSource = db.DataSource, OperationTimeout = Timeout.InfiniteTimeSpan }));
        ArgumentException schema = Assert.Throws<ArgumentException>(() => new PostgreSqlReviewQueue(new PostgreSqlReviewQueueOptions { DataSource = db.DataSource, Schema = "Bad;Name" }));
        Assert.Contains("identifier", schema.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new PostgreSqlReviewQueue(null!));
    }

    private static async Task<string> OutcomeAsync(Func<IReviewQueue, ValueTask<ReviewTicket>> operation, IReviewQueue queue)
    {
        try
        {
            return "ok " + Reviews.Describe(await operation(queue));
        }
        catch (ReviewConflictException)
        {
            return nameof(ReviewConflictException);
        }
    }
}

using System.Runtime.CompilerServices;
using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

/// <summary>Executors on several instances sharing one PostgreSQL review queue.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlReviewQueueExecutorTests(PostgreSqlFixture db)
{
    [Fact]
    public async Task FullFlow_EscalatedOnOneInstanceApprovedOnAnother_RunsOnceAndTheSharedTrailVerifies()
    {
        string schema = await db.NewSchemaAsync();
        await PostgreSqlReviewQueueSchema.MigrateAsync(db.DataSource, schema);
        await using NpgsqlDataSource otherSource = db.Server.CreateDataSource();
        await using PostgreSqlEvidenceSink sinkA = await db.OpenAsync(schema);
        await using PostgreSqlEvidenceSink sinkB = await PostgreSqlEvidenceSink.OpenAsync(db.Options(schema, otherSource));
        var a = new ReviewInstance(Reviews.Queue(schema, db.DataSource), sinkA);
        var b = new ReviewInstance(Reviews.Queue(schema, otherSource), sinkB);
        var runs = new StrongBox<int>();

        GuardedResult<int> escalated = await a.RunAsync(ReviewInstance.Invoice(), runs);
        ReviewTicket queued = Assert.IsType<ReviewTicket>(escalated.ReviewTicket);
        Assert.Equal(GateCodes.EscalatedForReview, escalated.Decision.Code);
        Assert.Equal("Pending", await db.ScalarAsync<string>($"SELECT state FROM {schema}.review_tickets WHERE id = '{queued.Id}'"));

        await b.Executor.ApproveAsync(queued.Id, "alice");
        ReviewTicket approved = await b.Executor.ApproveAsync(queued.Id, "bob");
        GuardedResult<int> first = await a.RunApprovedAsync(queued.Id, ReviewInstance.Invoice(), runs);
        GuardedResult<int> second = await b.RunApprovedAsync(queued.Id, ReviewInstance.Invoice(), runs);

        Assert.Equal(ReviewTicketState.Approved, approved.State);
        Assert.True(first.Executed);
        Assert.False(second.Executed);
        Assert.Equal(GateCodes.ReviewConsumed, second.Decision.Code);
        Assert.Equal(1, runs.Value);
        ReviewTicket executed = (await b.Queue.FindAsync(queued.Id))!;
        Assert.Equal(ReviewTicketState.Executed, executed.State);
        Assert.Contains(first.ExecutionId, executed.Note, StringComparison.Ordinal);
        Assert.Equal(4L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_events WHERE ticket_id = '{queued.Id}'"));
        EvidenceVerification trail = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);
        Assert.True(trail.IsValid, trail.ToString());
    }

    [Fact]
    public async Task ExecuteApprovedAsync_TwoExecutorsOnTwoQueuesAtOnce_EachTicketRunsExactlyOnce()
    {
        string schema = await db.NewReviewSchemaAsync();
        await using NpgsqlDataSource otherSource = db.Server.CreateDataSource();
        var a = new ReviewInstance(Reviews.Queue(schema, db.DataSource));
        var b = new ReviewInstance(Reviews.Queue(schema, otherSource));
        const int Tickets = 8;
        var runs = new StrongBox<int>();
        var blocked = new List<string>();

        for (int i = 0; i < Tickets; i++)
        {
            PaymentOrder invoice = ReviewInstance.Invoice("INV-" + i);
            ReviewTicket ticket = (await a.RunAsync(invoice, runs)).ReviewTicket!;
            await a.Executor.ApproveAsync(ticket.Id, "alice");
            await b.Executor.ApproveAsync(ticket.Id, "bob");

            GuardedResult<int>[] results = await Task.WhenAll(
                Task.Run(async () => await a.RunApprovedAsync(ticket.Id, invoice, runs)),
                Task.Run(async () => await b.RunApprovedAsync(ticket.Id, invoice, runs)));

            Assert.Equal(1, results.Count(static r => r.Executed));
            blocked.Add(results.Single(static r => !r.Executed).Decision.Code);
        }

        Assert.Equal(Tickets, runs.Value);
        Assert.All(blocked, static code => Assert.Equal(GateCodes.ReviewConsumed, code));
        Assert.Equal(Tickets, (await a.Queue.ListAsync(new ReviewTicketFilter { States = [ReviewTicketState.Executed] })).Count);
    }

    [Fact]
    public async Task ServerStopped_EnqueueFindAndClaimFail_EveryRequestStaysBlockedAndRunsOnceAfterRestart()
    {
        string schema = await db.NewReviewSchemaAsync();
        await using NpgsqlDataSource source = db.Server.CreateDataSource();
        var instance = new ReviewInstance(Reviews.Queue(schema, source));
        var runs = new StrongBox<int>();
        ReviewTicket ticket = (await instance.RunAsync(ReviewInstance.Invoice(), runs)).ReviewTicket!;
        await instance.Executor.ApproveAsync(ticket.Id, "alice");
        await instance.Executor.ApproveAsync(ticket.Id, "bob");

        db.Server.Stop();
        try
        {
            GuardedResult<int> escalation = await instance.RunAsync(ReviewInstance.Invoice("INV-8"), runs);
            GuardedResult<int> approvedRun = await instance.RunApprovedAsync(ticket.Id, ReviewInstance.Invoice(), runs);
            EvidenceUnavailableException enqueue = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await instance.Queue.EnqueueAsync(Reviews.Request("t-down")));
            EvidenceUnavailableException find = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await instance.Queue.FindAsync(ticket.Id));
            await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await instance.Executor.RejectAsync(ticket.Id, "alice"));

            Assert.False(escalation.Executed);
            Assert.Null(escalation.ReviewTicket);
            Assert.Equal(GateCodes.EscalatedForReview, escalation.Decision.Code);
            Assert.False(approvedRun.Executed);
            Assert.Equal(GateCodes.EvidenceUnavailable, approvedRun.Decision.Code);
            Assert.Equal(GateCodes.EvidenceUnavailable, enqueue.Code);
            Assert.IsAssignableFrom<NpgsqlException>(find.InnerException);
            Assert.Equal(0, runs.Value);
        }
        finally
        {
            db.Server.StartServer();
            db.DataSource.Clear();
        }

        GuardedResult<int> afterRestart = await instance.RunApprovedAsync(ticket.Id, ReviewInstance.Invoice(), runs);
        GuardedResult<int> again = await instance.RunApprovedAsync(ticket.Id, ReviewInstance.Invoice(), runs);

        Assert.True(afterRestart.Executed);
        Assert.Equal(GateCodes.ReviewConsumed, again.Decision.Code);
        Assert.Equal(1, runs.Value);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_tickets"));
    }
}

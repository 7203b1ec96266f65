using System.Globalization;
using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

/// <summary>The review queue's tables, triggers and grants, and how the queue fails when the server does not cooperate.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlReviewQueueSchemaTests(PostgreSqlFixture db)
{
    [Fact]
    public async Task MigrateAsync_AgainAndConcurrentlyBesideAnEvidenceTrail_ChangesNothing()
    {
        string schema = await db.NewSchemaAsync();
        await PostgreSqlReviewQueueSchema.MigrateAsync(db.DataSource, schema);
        await Reviews.Queue(schema, db.DataSource).EnqueueAsync(Reviews.Request("t1"));

        await Task.WhenAll(
            PostgreSqlReviewQueueSchema.MigrateAsync(db.DataSource, schema),
            PostgreSqlReviewQueueSchema.MigrateAsync(db.DataSource, schema),
            PostgreSqlEvidenceSchema.MigrateAsync(db.DataSource, schema));

        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_tickets"));
        Assert.Equal(5L, await db.ScalarAsync<long>($"SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{schema}' AND NOT t.tgisinternal"));
    }

    [Theory]
    [InlineData("DELETE FROM {0}.review_tickets", PostgresErrorCodes.InsufficientPrivilege)]
    [InlineData("TRUNCATE {0}.review_tickets, {0}.review_events", PostgresErrorCodes.InsufficientPrivilege)]
    [InlineData("UPDATE {0}.review_events SET recorded_at = now()", PostgresErrorCodes.InsufficientPrivilege)]
    [InlineData("DELETE FROM {0}.review_events", PostgresErrorCodes.InsufficientPrivilege)]
    [InlineData("UPDATE {0}.review_tickets SET version = version + 2", PostgresErrorCodes.CheckViolation)]
    [InlineData("UPDATE {0}.review_tickets SET action = 'other', version = version + 1", PostgresErrorCodes.CheckViolation)]
    [InlineData("UPDATE {0}.review_tickets SET state = 'Approved', version = version + 1", PostgresErrorCodes.CheckViolation)]
    public async Task Triggers_RemovingRowsOrReopeningAnExecutedTicketEvenAsSuperuser_Refused(string statement, string sqlState)
    {
        string schema = await db.NewReviewSchemaAsync();
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, db.DataSource);
        await queue.EnqueueAsync(Reviews.Request("t1"));
        await queue.ApplyAsync(Reviews.Vote("t1", 0, "alice", ReviewTicketState.Approved));
        await queue.ApplyAsync(Reviews.Claim("t1", 1));

        PostgresException ex = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(string.Format(CultureInfo.InvariantCulture, statement, schema)));

        Assert.Equal(sqlState, ex.SqlState);
        ReviewTicket ticket = (await queue.FindAsync("t1"))!;
        Assert.Equal(ReviewTicketState.Executed, ticket.State);
        Assert.Equal(2, await db.ScalarAsync<int>($"SELECT version FROM {schema}.review_tickets"));
        Assert.Equal(3L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_events"));
    }

    [Fact]
    public async Task GetGrantScript_ApplicationRole_RunsTheLifecycleButCannotDeleteOrRewriteATicket()
    {
        string schema = await db.NewReviewSchemaAsync();
        string role = "rapp_" + schema;
        await db.ExecuteAsync($"CREATE ROLE {role} LOGIN");
        await db.ExecuteAsync(PostgreSqlReviewQueueSchema.GetGrantScript(role, schema));
        await using NpgsqlDataSource appSource = db.Server.CreateDataSource(b => b.Username = role);
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, appSource);

        await queue.EnqueueAsync(Reviews.Request("t1"));
        await queue.ApplyAsync(Reviews.Vote("t1", 0, "alice", ReviewTicketState.Approved));
        ReviewTicket executed = await queue.ApplyAsync(Reviews.Claim("t1", 1));
        IReadOnlyList<ReviewTicket> listed = await queue.ListAsync(ReviewTicketFilter.All);

        Assert.Equal(ReviewTicketState.Executed, executed.State);
        Assert.Equal(Reviews.Describe(executed), Reviews.Describe(Assert.Single(listed)));
        foreach (string statement in new[] { $"DELETE FROM {schema}.review_tickets", $"UPDATE {schema}.review_tickets SET action = 'x'", $"ALTER TABLE {schema}.review_tickets DISABLE TRIGGER review_tickets_change" })
        {
            await using NpgsqlCommand command = appSource.CreateCommand(statement);
            PostgresException ex = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
    }

    [Fact]
    public async Task Queue_SchemaNotMigrated_UnavailableAndSaysHowToMigrate()
    {
        PostgreSqlReviewQueue queue = Reviews.Queue("never_migrated", db.DataSource);

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await queue.EnqueueAsync(Reviews.Request("t1")));

        Assert.Equal(GateCodes.EvidenceUnavailable, ex.Code);
        Assert.Contains("PostgreSqlReviewQueueSchema.MigrateAsync", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_SynchronousCommitOff_RefusesToQueueOrChangeAndWritesNothing()
    {
        string schema = await db.NewReviewSchemaAsync();
        await Reviews.Queue(schema, db.DataSource).EnqueueAsync(Reviews.Request("t1"));
        await using NpgsqlDataSource unsafeSource = db.Server.CreateDataSource(b => b.Options = "-c synchronous_commit=off");
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, unsafeSource);

        EvidenceUnavailableException enqueue = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await queue.EnqueueAsync(Reviews.Request("t2")));
        EvidenceUnavailableException apply = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await queue.ApplyAsync(Reviews.Vote("t1", 0, "alice", ReviewTicketState.Pending)));

        Assert.Contains("synchronous_commit", enqueue.Message, StringComparison.Ordinal);
        Assert.Contains("synchronous_commit", apply.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.review_events"));
        Assert.Equal(0, (await queue.FindAsync("t1"))!.Version);
    }

    [Fact]
    public async Task ApplyAsync_StatementOutlivesTheOperationTimeout_UnavailableAndTheTicketIsUnchanged()
    {
        string schema = await db.NewReviewSchemaAsync();
        var clock = new ManualTimeProvider();
        PostgreSqlReviewQueue queue = Reviews.Queue(schema, db.DataSource, clock);
        await queue.EnqueueAsync(Reviews.Request("t1"));
        await using NpgsqlConnection holder = await db.DataSource.OpenConnectionAsync();
        await using NpgsqlTransaction transaction = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM {schema}.review_tickets WHERE id = 't1' FOR UPDATE", holder, transaction))
        {
            await lockRow.ExecuteNonQueryAsync();
        }

        Task<ReviewTicket> apply = queue.ApplyAsync(Reviews.Vote("t1", 0, "alice", ReviewTicketState.Pending)).AsTask();
        await WaitUntilBlockedOnALockAsync(schema);
        clock.Advance(TimeSpan.FromSeconds(5));

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(() => apply);
        await transaction.RollbackAsync();

        Assert.Equal(GateCodes.EvidenceUnavailable, ex.Code);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Equal(0, (await queue.FindAsync("t1"))!.Version);
    }

    [Fact]
    public void DocsForDbas_ReviewQueueMigrationAndGrants_AreWhatTheLibraryRuns()
    {
        string directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "FailClosed.Gates.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("The repository root was not found above the test assembly.");
        }

        string[] blocks = File.ReadAllText(Path.Combine(directory, "docs", "postgresql-schema.md"))
            .Split("```sql\n")
            .Skip(1)
            .Select(b => b[..b.IndexOf("\n```", StringComparison.Ordinal)])
            .ToArray();

        Assert.Equal(PostgreSqlReviewQueueSchema.GetMigrationScript().TrimEnd(), blocks[2]);
        Assert.Equal(PostgreSqlReviewQueueSchema.GetGrantScript("payments_app").TrimEnd(), blocks[3]);
    }

    private async Task WaitUntilBlockedOnALockAsync(string schema)
    {
        // Polls the server (no sleeping): the UPDATE is waiting once pg_stat_activity says so.
        for (int i = 0; i < 5000; i++)
        {
            if (await db.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE {schema}.review_tickets%'") == 1)
            {
                return;
            }
        }

        throw new InvalidOperationException("The queue's UPDATE never waited for the row lock.");
    }
}

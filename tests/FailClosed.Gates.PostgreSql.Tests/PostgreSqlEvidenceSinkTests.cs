using System.Security.Cryptography;
using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlEvidenceSinkTests(PostgreSqlFixture db)
{
    [Fact]
    public async Task AppendAsync_ConcurrentAppends_EveryReceiptIsACommittedRowAndTheChainVerifies()
    {
        string schema = await db.NewSchemaAsync();
        EvidenceReceipt[] receipts;
        await using (PostgreSqlEvidenceSink sink = await db.OpenAsync(schema))
        {
            receipts = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () => await sink.AppendAsync(Records.Record(i)))));
            Assert.Equal(200, sink.Count);
        }

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), receipts.Select(r => r.Sequence).Order());
        foreach (EvidenceReceipt receipt in receipts)
        {
            string leaf = Convert.ToHexStringLower(await db.ScalarAsync<byte[]>($"SELECT leaf_hash FROM {schema}.evidence WHERE seq = {receipt.Sequence}"));
            Assert.Equal(receipt.LeafHash, leaf);
            Assert.Equal(receipt.Sequence + 1, receipt.TreeSize);
        }

        EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(200, verification.TreeSize);
        Assert.Equal(200, verification.Checkpoint!.TreeSize);
    }

    [Fact]
    public async Task AppendAsync_SameRecords_SameLeafHashesAndRootAsTheInMemorySink()
    {
        string schema = await db.NewSchemaAsync();
        var memory = new InMemoryEvidenceSink();
        await using (PostgreSqlEvidenceSink sink = await db.OpenAsync(schema))
        {
            for (int i = 0; i < 25; i++)
            {
                EvidenceReceipt expected = await memory.AppendAsync(Records.Record(i));
                EvidenceReceipt actual = await sink.AppendAsync(Records.Record(i));
                Assert.Equal(expected, actual);
            }
        }

        EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);
        Assert.Equal(memory.RootHash, verification.RootHash);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentAppendsWhileABatchCommits_OneTransactionAndOneInsertPerBatch()
    {
        string schema = await db.NewSchemaAsync();
        var firstBatchLocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int batches = 0;
        PostgreSqlEvidenceSinkOptions options = db.Options(schema);
        await using PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
        {
            DataSource = options.DataSource,
            Schema = schema,
            Origin = options.Origin,
            SigningKey = options.SigningKey,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
            BatchHook = async (stage, _, _) =>
            {
                if (stage == BatchStage.Locked && Interlocked.Increment(ref batches) == 1)
                {
                    firstBatchLocked.SetResult();
                    await release.Task;
                }
            },
        });

        ValueTask<EvidenceReceipt> first = sink.AppendAsync(Records.Record(0));
        await firstBatchLocked.Task;
        var rest = Enumerable.Range(1, 99).Select(i => sink.AppendAsync(Records.Record(i)).AsTask()).ToArray();
        release.SetResult();
        await first;
        await Task.WhenAll(rest);

        Assert.Equal(2, batches);
        Assert.Equal(2L, await db.ScalarAsync<long>($"SELECT count(DISTINCT xmin::text) FROM {schema}.evidence"));
        Assert.Equal(100L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
    }

    [Fact]
    public async Task AppendAsync_TwoInstancesOnOneTrail_InterleaveIntoOneChain()
    {
        string schema = await db.NewSchemaAsync();
        await using PostgreSqlEvidenceSink a = await db.OpenAsync(schema);
        await using PostgreSqlEvidenceSink b = await db.OpenAsync(schema);
        var appends = new List<Task<EvidenceReceipt>>();
        for (int i = 0; i < 60; i++)
        {
            appends.Add((i % 2 == 0 ? a : b).AppendAsync(Records.Record(i)).AsTask());
        }

        EvidenceReceipt[] receipts = await Task.WhenAll(appends);
        Assert.Equal(60, receipts.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal(59, receipts.Max(r => r.Sequence));
        EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(60, verification.TreeSize);
    }

    [Fact]
    public async Task AppendAsync_AnotherInstanceAppendedMoreThanOneCatchUpChunk_CatchesUpChunkByChunk()
    {
        string schema = await db.NewSchemaAsync();
        await using PostgreSqlEvidenceSink a = await db.OpenAsync(schema);
        EvidenceReceipt first = await a.AppendAsync(Records.Record(0));
        await using (PostgreSqlEvidenceSink b = await db.OpenAsync(schema))
        {
            // More than two catch-up chunks (4,096 rows after the head each) behind a's head.
            await Task.WhenAll(Enumerable.Range(1, 9_000).Select(i => b.AppendAsync(Records.Record(i)).AsTask()));
        }

        EvidenceReceipt next = await a.AppendAsync(Records.Record(9_001));

        Assert.Equal(0, first.Sequence);
        Assert.Equal(9_001, next.Sequence);
        Assert.Equal(9_002, a.Count);
        EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(9_002, verification.TreeSize);
    }

    [Fact]
    public async Task AppendPathQueries_StaleStatisticsOnALargeTrail_PlannedOnThePrimaryKey()
    {
        // Statistics that never caught up with 20,000 rows (autovacuum off, no ANALYZE) once made the planner scan the
        // whole table for the head test of every batch, so appends slowed as the trail grew.
        string schema = await db.NewSchemaAsync();
        await db.ExecuteAsync($"ALTER TABLE {schema}.evidence SET (autovacuum_enabled = false)");
        await db.ExecuteAsync($"INSERT INTO {schema}.evidence (seq, entry, leaf_hash, prev_hash) SELECT g, '\\x01'::bytea, sha256(int8send(g)), sha256(int8send(g - 1)) FROM generate_series(0, 19999) g");
        var sql = new Sql(schema);

        string insertPlan = await ExplainAsync(sql.InsertAtHead, p =>
        {
            p.AddWithValue("seq", new long[] { 20_000 });
            p.AddWithValue("entry", new[] { new byte[] { 1 } });
            p.AddWithValue("leaf", new[] { new byte[32] });
            p.AddWithValue("prev", new[] { new byte[32] });
            p.AddWithValue("next", 20_000L);
            p.AddWithValue("head", new byte[32]);
        });
        string catchUpPlan = await ExplainAsync(sql.RowsBetween, p =>
        {
            p.AddWithValue("from", 19_999L);
            p.AddWithValue("to", 19_999L + 4_096);
        });

        Assert.DoesNotContain("Seq Scan", insertPlan, StringComparison.Ordinal);
        Assert.Contains("evidence_pkey", insertPlan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", catchUpPlan, StringComparison.Ordinal);
        Assert.Contains("evidence_pkey", catchUpPlan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_IdleForASecond_WriterGivesItsConnectionBackToThePool()
    {
        string schema = await db.NewSchemaAsync();
        string application = "held-" + Guid.NewGuid().ToString("N")[..8];
        await using NpgsqlDataSource dataSource = db.Server.CreateDataSource(b => b.ApplicationName = application);
        var time = new ManualTimeProvider();
        await using PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(db.Options(schema, dataSource, time));
        string connections = $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{application}'";

        await sink.AppendAsync(Records.Record(0));
        dataSource.Clear();

        // Between batches the writer keeps its connection: clearing the pool closes only idle pooled ones.
        Assert.Equal(1L, await db.ScalarAsync<long>(connections));

        // The writer arms its idle timer only once it has nothing left to do, which may be after the append has
        // returned here: a single advance could come before the timer exists and never fire it. So the clock moves a
        // second at a time while the server is polled (no sleeping) until the writer has given the connection back.
        for (int i = 0; i < 5000 && await db.ScalarAsync<long>(connections) != 0; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Returned to the cleared pool, it is closed; the next append opens another.
        Assert.Equal(0L, await db.ScalarAsync<long>(connections));
        Assert.Equal(1, (await sink.AppendAsync(Records.Record(1))).Sequence);
    }

    [Fact]
    public async Task OpenAsync_ExistingTrail_ResumesFromTheDatabaseHead()
    {
        string schema = await db.NewSchemaAsync();
        await using (PostgreSqlEvidenceSink sink = await db.OpenAsync(schema))
        {
            await sink.AppendAsync(Records.Record(0));
            await sink.AppendAsync(Records.Record(1));
        }

        await using (PostgreSqlEvidenceSink reopened = await db.OpenAsync(schema))
        {
            Assert.Equal(2, reopened.Count);
            EvidenceReceipt receipt = await reopened.AppendAsync(Records.Record(2));
            Assert.Equal(2, receipt.Sequence);
        }

        Assert.True((await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema)).IsValid);
    }

    [Fact]
    public async Task OpenAsync_SynchronousCommitOff_RefusesToStart()
    {
        string schema = await db.NewSchemaAsync();
        await using NpgsqlDataSource unsafeSource = db.Server.CreateDataSource(b => b.Options = "-c synchronous_commit=off");

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(() => PostgreSqlEvidenceSink.OpenAsync(db.Options(schema, unsafeSource)));

        Assert.Equal(GateCodes.EvidenceUnavailable, ex.Code);
        Assert.Contains("synchronous_commit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_SchemaNotMigrated_EvidenceUnavailableNamingTheMigration()
    {
        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(() => db.OpenAsync("never_migrated"));

        Assert.Equal(GateCodes.EvidenceUnavailable, ex.Code);
        Assert.Contains("never_migrated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_CheckpointSignedByAnUntrustedKey_Tampered()
    {
        string schema = await db.NewSchemaAsync();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PostgreSqlEvidenceSinkOptions options = db.Options(schema);
        await using (PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
        {
            DataSource = db.DataSource, Schema = schema, Origin = options.Origin, SigningKey = new CheckpointKey("other.example/key", other),
        }))
        {
            await sink.AppendAsync(Records.Record(0));
        }

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(() => db.OpenAsync(schema));
        Assert.Equal(GateCodes.EvidenceTampered, ex.Code);
    }

    [Fact]
    public async Task ExportAsync_Trail_VerifiesAndReadsBackWithTheFileJournalTools()
    {
        string schema = await db.NewSchemaAsync();
        await using (PostgreSqlEvidenceSink sink = await db.OpenAsync(schema))
        {
            for (int i = 0; i < 30; i++)
            {
                await sink.AppendAsync(Records.Record(i));
            }
        }

        string directory = Path.Combine(Path.GetTempPath(), "fcgates-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "trail.journal");
            long exported = await PostgreSqlEvidenceTrail.ExportAsync(db.DataSource, path, schema);

            Assert.Equal(30, exported);
            EvidenceVerification file = EvidenceVerifier.Verify(path, [db.Key]);
            EvidenceVerification database = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);
            Assert.True(file.IsValid, file.ToString());
            Assert.Equal(database.RootHash, file.RootHash);
            IReadOnlyList<EvidenceRecord> records = FileEvidenceJournal.ReadRecords(path);
            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"corr-{i}"), records.Select(r => r.ExecutionId));
            await Assert.ThrowsAsync<IOException>(() => PostgreSqlEvidenceTrail.ExportAsync(db.DataSource, path, schema));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task VerifyAsync_EntryRewrittenByAnOwnerWhoDroppedTheTrigger_NamesTheRecord()
    {
        string schema = await db.NewSchemaAsync();
        await AppendAsync(schema, 10);
        await db.ExecuteAsync($"ALTER TABLE {schema}.evidence DISABLE TRIGGER evidence_append_only; UPDATE {schema}.evidence SET entry = convert_to(replace(convert_from(entry, 'UTF8'), 'corr-6', 'corr-X'), 'UTF8') WHERE seq = 6; ALTER TABLE {schema}.evidence ENABLE TRIGGER evidence_append_only");

        EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);

        Assert.False(verification.IsValid);
        Assert.Equal(6, verification.FailedIndex);
        Assert.Equal(6, verification.TreeSize);
    }

    [Fact]
    public async Task VerifyAsync_LeafHashColumnRewritten_NamesTheRecord()
    {
        string schema = await db.NewSchemaAsync();
        await AppendAsync(schema, 5);
        await db.ExecuteAsync($"ALTER TABLE {schema}.evidence DISABLE TRIGGER evidence_append_only; UPDATE {schema}.evidence SET leaf_hash = sha256('x') WHERE seq = 3; ALTER TABLE {schema}.evidence ENABLE TRIGGER evidence_append_only");

        EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);

        Assert.False(verification.IsValid);
        Assert.Equal(3, verification.FailedIndex);
        Assert.Contains("leaf_hash", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_TailCutByAnOwnerWhoDroppedTheTrigger_Tampered()
    {
        string schema = await db.NewSchemaAsync();
        await AppendAsync(schema, 5);
        await db.ExecuteAsync($"ALTER TABLE {schema}.evidence DISABLE TRIGGER evidence_append_only; DELETE FROM {schema}.evidence WHERE seq >= 3; ALTER TABLE {schema}.evidence ENABLE TRIGGER evidence_append_only");

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(() => db.OpenAsync(schema));
        EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema);

        Assert.Equal(GateCodes.EvidenceTampered, ex.Code);
        Assert.Contains("cut", ex.Message, StringComparison.Ordinal);
        Assert.False(verification.IsValid);
    }

    [Fact]
    public async Task AppendAsync_HeadDeletedWhileRunning_TamperedAndRefusesEveryLaterAppend()
    {
        string schema = await db.NewSchemaAsync();
        await using PostgreSqlEvidenceSink sink = await db.OpenAsync(schema);
        await sink.AppendAsync(Records.Record(0));
        await sink.AppendAsync(Records.Record(1));
        await db.ExecuteAsync($"ALTER TABLE {schema}.evidence DISABLE TRIGGER evidence_append_only; DELETE FROM {schema}.evidence WHERE seq = 1; ALTER TABLE {schema}.evidence ENABLE TRIGGER evidence_append_only");

        EvidenceUnavailableException first = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(2)));
        EvidenceUnavailableException later = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(3)));

        Assert.Equal(GateCodes.EvidenceTampered, first.Code);
        Assert.Equal(GateCodes.EvidenceTampered, later.Code);
        Assert.True(sink.IsFaulted);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
    }

    [Fact]
    public async Task AppendAsync_OversizedRecord_ThrowsBeforeAnythingIsWritten()
    {
        string schema = await db.NewSchemaAsync();
        await using PostgreSqlEvidenceSink sink = await db.OpenAsync(schema);

        Assert.Throws<ArgumentException>(() => sink.AppendAsync(Records.Record(0) with { Detail = new string('x', 70_000) }));

        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
    }

    [Fact]
    public async Task DisposeAsync_Closed_AppendRefused()
    {
        string schema = await db.NewSchemaAsync();
        PostgreSqlEvidenceSink sink = await db.OpenAsync(schema);
        await sink.DisposeAsync();

        EvidenceUnavailableException ex = Assert.Throws<EvidenceUnavailableException>(() => sink.AppendAsync(Records.Record(0)));
        Assert.Equal(GateCodes.EvidenceUnavailable, ex.Code);
    }

    private async Task AppendAsync(string schema, int count)
    {
        await using PostgreSqlEvidenceSink sink = await db.OpenAsync(schema);
        for (int i = 0; i < count; i++)
        {
            await sink.AppendAsync(Records.Record(i));
        }
    }

    private async Task<string> ExplainAsync(string statement, Action<NpgsqlParameterCollection> parameters)
    {
        await using NpgsqlConnection connection = await db.DataSource.OpenConnectionAsync();
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("EXPLAIN " + statement, connection, transaction);
        parameters(command.Parameters);
        var plan = new System.Text.StringBuilder();
        await using (NpgsqlDataReader reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        return plan.ToString();
    }
}

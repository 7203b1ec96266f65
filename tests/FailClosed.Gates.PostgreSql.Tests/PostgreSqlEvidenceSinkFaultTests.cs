using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlEvidenceSinkFaultTests(PostgreSqlFixture db)
{
    [Fact]
    public async Task AppendAsync_ConnectionKilledBeforeCommit_UnavailableNothingWrittenAndTheNextAppendReconnects()
    {
        string schema = await db.NewSchemaAsync();
        int batches = 0;
        await using PostgreSqlEvidenceSink sink = await OpenWithHookAsync(schema, async (stage, connection, token) =>
        {
            if (stage == BatchStage.BeforeCommit && Interlocked.Increment(ref batches) == 2)
            {
                await db.ExecuteAsync($"SELECT pg_terminate_backend({connection.ProcessID})");
            }
        });
        await sink.AppendAsync(Records.Record(0));

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(1)));
        EvidenceReceipt next = await sink.AppendAsync(Records.Record(2));

        Assert.Equal(GateCodes.EvidenceUnavailable, ex.Code);
        Assert.Equal(3, batches);
        Assert.Equal(1, next.Sequence);
        Assert.Equal(2L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
        Assert.True((await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema)).IsValid);
    }

    [Fact]
    public async Task AppendAsync_CommitAcknowledgementLost_UnavailableThenResolvedFromTheHeadWithARecoveryRecord()
    {
        string schema = await db.NewSchemaAsync();
        int batches = 0;
        await using PostgreSqlEvidenceSink sink = await OpenWithHookAsync(schema, (stage, _, _) =>
            stage == BatchStage.AfterCommit && Interlocked.Increment(ref batches) == 1
                ? throw new NpgsqlException("Exception while reading from stream", new IOException("connection reset"))
                : ValueTask.CompletedTask);

        Task<EvidenceReceipt>[] lost = [sink.AppendAsync(Records.Record(0)).AsTask()];
        await Assert.ThrowsAsync<EvidenceUnavailableException>(() => lost[0]);
        EvidenceReceipt next = await sink.AppendAsync(Records.Record(1));

        // The lost batch did commit (sequence 0); a Recovery record says so (1) before anything else (2).
        Assert.Equal(2, next.Sequence);
        IReadOnlyList<EvidenceRecord> records = await ExportAndReadAsync(schema);
        Assert.Equal(["corr-0", "resolve-0", "corr-1"], records.Select(r => r.ExecutionId));
        Assert.Equal(EvidenceKind.Recovery, records[1].Kind);
        Assert.Contains("not acknowledged", records[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_CommitAcknowledgementLost_LogsUnknownThenResolvedWithTheirEventIds()
    {
        string schema = await db.NewSchemaAsync();
        var logs = new CapturingLoggerFactory();
        int batches = 0;
        await using PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
        {
            DataSource = db.DataSource,
            Schema = schema,
            Origin = PostgreSqlFixture.Origin,
            SigningKey = db.Key,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
            LoggerFactory = logs,
            BatchHook = (stage, _, _) =>
                stage == BatchStage.AfterCommit && Interlocked.Increment(ref batches) == 1
                    ? throw new NpgsqlException("Exception while reading from stream")
                    : ValueTask.CompletedTask,
        });

        await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(0)));
        await sink.AppendAsync(Records.Record(1));

        int[] ids = [.. logs.Entries.Select(e => e.EventId.Id)];
        Assert.Equal([PostgreSqlEventId.SinkOpened, PostgreSqlEventId.BatchOutcomeUnknown, PostgreSqlEventId.BatchOutcomeResolved], ids.Where(id => id != PostgreSqlEventId.CheckpointWritten));
        Assert.Contains("was committed", logs.Entries.Single(e => e.EventId.Id == PostgreSqlEventId.BatchOutcomeResolved).Message, StringComparison.Ordinal);
        Assert.All(logs.Entries, e => Assert.Equal("FailClosed.Gates.PostgreSql.EvidenceSink", e.Category));
        Assert.All(logs.Entries, e => Assert.DoesNotContain("Host=", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppendAsync_CommitOutcomeUnknownButRolledBack_ResolvedWithoutARecoveryRecord()
    {
        string schema = await db.NewSchemaAsync();
        int batches = 0;
        await using PostgreSqlEvidenceSink sink = await OpenWithHookAsync(schema, async (stage, connection, _) =>
        {
            // The server goes away while the commit is in flight: the commit fails and nothing is committed.
            if (stage == BatchStage.BeforeCommit && Interlocked.Increment(ref batches) == 1)
            {
                await db.ExecuteAsync($"SELECT pg_terminate_backend({connection.ProcessID})");
            }
        });

        await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(0)));
        EvidenceReceipt next = await sink.AppendAsync(Records.Record(1));

        Assert.Equal(0, next.Sequence);
        IReadOnlyList<EvidenceRecord> records = await ExportAndReadAsync(schema);
        Assert.Equal(["corr-1"], records.Select(r => r.ExecutionId));
    }

    [Fact]
    public async Task AppendAsync_SerializationFailure_UnavailableAndNotRetried()
    {
        string schema = await db.NewSchemaAsync();
        int locked = 0;
        await using PostgreSqlEvidenceSink sink = await OpenWithHookAsync(schema, (stage, _, _) =>
            stage == BatchStage.Locked && Interlocked.Increment(ref locked) == 1
                ? throw new PostgresException("could not serialize access due to concurrent update", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure)
                : ValueTask.CompletedTask);

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(0)));

        Assert.Equal(1, locked);
        Assert.IsType<PostgresException>(ex.InnerException);
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
        Assert.Equal(0, (await sink.AppendAsync(Records.Record(1))).Sequence);
    }

    [Fact]
    public async Task AppendAsync_BatchOutlivesItsTimeout_UnavailableAndTheStatementIsCanceled()
    {
        string schema = await db.NewSchemaAsync();
        var clock = new ManualTimeProvider();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int batches = 0;
        await using PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
        {
            DataSource = db.DataSource,
            Schema = schema,
            Origin = PostgreSqlFixture.Origin,
            SigningKey = db.Key,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
            TimeProvider = clock,
            BatchTimeout = TimeSpan.FromSeconds(5),
            BatchHook = async (stage, connection, token) =>
            {
                if (stage == BatchStage.BeforeCommit && Interlocked.Increment(ref batches) == 1)
                {
                    await using var sleep = new NpgsqlCommand("SELECT pg_sleep(600)", connection);
                    Task running = sleep.ExecuteNonQueryAsync(token);
                    stalled.SetResult();
                    await running;
                }
            },
        });

        ValueTask<EvidenceReceipt> append = sink.AppendAsync(Records.Record(0));
        await stalled.Task;
        clock.Advance(TimeSpan.FromSeconds(5));

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await append);
        Assert.Equal(GateCodes.EvidenceUnavailable, ex.Code);
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
    }

    [Fact]
    public async Task AppendAsync_ServerStoppedMidBatchAndRestarted_UnavailableWhileDownThenResumesTheChain()
    {
        string schema = await db.NewSchemaAsync();
        int batches = 0;
        await using NpgsqlDataSource source = db.Server.CreateDataSource();
        PostgreSqlEvidenceSinkOptions options = db.Options(schema, source);
        await using PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
        {
            DataSource = source,
            Schema = schema,
            Origin = options.Origin,
            SigningKey = options.SigningKey,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
            BatchHook = (stage, _, _) =>
            {
                if (stage == BatchStage.BeforeCommit && Interlocked.Increment(ref batches) == 3)
                {
                    db.Server.Stop();
                }

                return ValueTask.CompletedTask;
            },
        });

        try
        {
            await sink.AppendAsync(Records.Record(0));
            await sink.AppendAsync(Records.Record(1));
            EvidenceUnavailableException midBatch = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(2)));
            EvidenceUnavailableException whileDown = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(3)));
            Assert.Equal(GateCodes.EvidenceUnavailable, midBatch.Code);
            Assert.Equal(GateCodes.EvidenceUnavailable, whileDown.Code);
        }
        finally
        {
            db.Server.StartServer();
            db.DataSource.Clear();
        }

        EvidenceReceipt resumed = await sink.AppendAsync(Records.Record(4));

        Assert.Equal(2, resumed.Sequence);
        Assert.False(sink.IsFaulted);
        IReadOnlyList<EvidenceRecord> records = await ExportAndReadAsync(schema);
        Assert.Equal(["corr-0", "corr-1", "corr-4"], records.Select(r => r.ExecutionId));
    }

    [Fact]
    public async Task AppendAsync_SynchronousCommitTurnedOffAfterOpen_EveryBatchRefusedNothingWritten()
    {
        string schema = await db.NewSchemaAsync();
        string role = "sc_" + schema;
        await db.ExecuteAsync($"CREATE ROLE {role} LOGIN");
        await db.ExecuteAsync(PostgreSqlEvidenceSchema.GetGrantScript(role, schema));
        await using NpgsqlDataSource appSource = db.Server.CreateDataSource(b => b.Username = role);
        var clock = new ManualTimeProvider();
        await using PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(db.Options(schema, appSource, clock));
        await sink.AppendAsync(Records.Record(0));

        // A DBA turns it off for the role; new sessions get it. The writer's session is replaced once it has been idle
        // for a second (it goes back to the pool, which is cleared).
        await db.ExecuteAsync($"ALTER ROLE {role} SET synchronous_commit = off");
        appSource.Clear();
        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilNoSessionOfAsync(role);

        EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(1)));
        Assert.Contains("synchronous_commit", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
    }

    [Fact]
    public async Task AppendAsync_SynchronousCommitTurnedOffForRunningSessions_TheHeldSessionsNextBatchIsRefused()
    {
        string schema = await db.NewSchemaAsync();
        await using PostgreSqlEvidenceSink sink = await db.OpenAsync(schema);
        await sink.AppendAsync(Records.Record(0));
        try
        {
            // A server-wide change reaches running sessions on reload, the writer's held one too.
            await db.ExecuteAsync("ALTER SYSTEM SET synchronous_commit = off");
            await db.ExecuteAsync("SELECT pg_reload_conf()");
            await WaitUntilSettingAsync("off");

            EvidenceUnavailableException ex = await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await sink.AppendAsync(Records.Record(1)));
            Assert.Contains("synchronous_commit", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await db.ExecuteAsync("ALTER SYSTEM RESET synchronous_commit");
            await db.ExecuteAsync("SELECT pg_reload_conf()");
            await WaitUntilSettingAsync("on");
        }

        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
    }

    [Fact]
    public async Task CheckpointTimer_AnotherInstanceAppended_CheckpointCoversItsRecordsAndIsPublished()
    {
        string schema = await db.NewSchemaAsync();
        var clock = new ManualTimeProvider();
        var anchor = new AwaitingAnchor(treeSize: 3);
        await using PostgreSqlEvidenceSink idle = await PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
        {
            DataSource = db.DataSource,
            Schema = schema,
            Origin = PostgreSqlFixture.Origin,
            SigningKey = db.Key,
            TimeProvider = clock,
            CheckpointInterval = TimeSpan.FromMinutes(1),
            Anchor = anchor,
        });
        await using (PostgreSqlEvidenceSink other = await db.OpenAsync(schema))
        {
            for (int i = 0; i < 3; i++)
            {
                await other.AppendAsync(Records.Record(i));
            }
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        EvidenceCheckpoint published = await anchor.Published.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);

        Assert.Equal(3, published.TreeSize);
        Assert.Equal(3, idle.Count);
        Assert.Equal(published.RootHash, (await PostgreSqlEvidenceTrail.VerifyAsync(db.DataSource, [db.Key], schema)).RootHash);
    }

    private sealed class AwaitingAnchor(long treeSize) : ICheckpointAnchor
    {
        private readonly TaskCompletionSource<EvidenceCheckpoint> _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<EvidenceCheckpoint> Published => _published.Task;

        public ValueTask PublishAsync(EvidenceCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            if (checkpoint.TreeSize == treeSize)
            {
                _published.TrySetResult(checkpoint);
            }

            return ValueTask.CompletedTask;
        }
    }

    private Task<PostgreSqlEvidenceSink> OpenWithHookAsync(string schema, Func<BatchStage, NpgsqlConnection, CancellationToken, ValueTask> hook) =>
        PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
        {
            DataSource = db.DataSource,
            Schema = schema,
            Origin = PostgreSqlFixture.Origin,
            SigningKey = db.Key,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
            BatchHook = hook,
        });

    private async Task<IReadOnlyList<EvidenceRecord>> ExportAndReadAsync(string schema)
    {
        string path = Path.Combine(Path.GetTempPath(), "fcgates-" + Guid.NewGuid().ToString("N") + ".journal");
        try
        {
            await PostgreSqlEvidenceTrail.ExportAsync(db.DataSource, path, schema);
            EvidenceVerification verification = EvidenceVerifier.Verify(path, [db.Key]);
            Assert.True(verification.IsValid, verification.ToString());
            return FileEvidenceJournal.ReadRecords(path);
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".checkpoint");
        }
    }

    private async Task WaitUntilNoSessionOfAsync(string role)
    {
        // Polls the server (no sleeping) until the writer's session has closed.
        for (int i = 0; i < 5000; i++)
        {
            if (await db.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE usename = '{role}'") == 0)
            {
                return;
            }
        }

        throw new InvalidOperationException($"A session of '{role}' stayed open.");
    }

    private async Task WaitUntilSettingAsync(string value)
    {
        // A reload reaches sessions asynchronously; polls a fresh session until it sees the new value.
        for (int i = 0; i < 5000; i++)
        {
            if (await db.ScalarAsync<string>("SELECT current_setting('synchronous_commit')") == value)
            {
                return;
            }
        }

        throw new InvalidOperationException($"synchronous_commit never became '{value}'.");
    }
}

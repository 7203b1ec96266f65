using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace FailClosed.Gates.PostgreSql;

public sealed partial class PostgreSqlEvidenceSink
{
    private const int MaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>How many times the writer yields after a batch for its callers to append again (see <see cref="RunWriterAsync"/>).</summary>
    private const int RefillYields = 2;

    /// <summary>The most rows after the head one catch-up query reads; more are read chunk by chunk.</summary>
    private const int CatchUpChunk = 4096;

    private static readonly TimeSpan HeldConnectionIdleTime = TimeSpan.FromSeconds(1);

    private async Task RunWriterAsync()
    {
        ChannelReader<PendingAppend> reader = _channel.Reader;
        var batch = new List<PendingAppend>(64);
        PendingAppend? carry = null;
        while (carry is not null || await WaitForAppendsAsync(reader).ConfigureAwait(false))
        {
            batch.Clear();
            int bytes = 0;
            bool checkpointRequested = false;
            while (batch.Count < _options.MaxBatchRecords)
            {
                PendingAppend? item = carry;
                carry = null;
                if (item is null)
                {
                    if (!reader.TryRead(out item))
                    {
                        break;
                    }

                    if (!item.IsCheckpointRequest)
                    {
                        Interlocked.Decrement(ref _queuedAppends);
                    }
                }

                if (item.IsCheckpointRequest)
                {
                    checkpointRequested = true;
                    continue;
                }

                if (Volatile.Read(ref _fault) is { } fault)
                {
                    item.TrySetException(Faulted(fault));
                    continue;
                }

                if (batch.Count > 0 && bytes + item.ContentLength > MaxBatchBytes)
                {
                    carry = item;
                    break;
                }

                bytes += item.ContentLength;
                batch.Add(item);
            }

            if (batch.Count > 0)
            {
                await CommitBatchAsync(batch).ConfigureAwait(false);

                // The callers just completed usually append again at once (an outcome after its intent, the next
                // request): let their continuations run before cutting the next batch, so batches stay full instead
                // of alternating between a large and a small one. Bounded, and skipped when enough is queued.
                for (int i = 0; i < RefillYields && Volatile.Read(ref _queuedAppends) < batch.Count; i++)
                {
                    await Task.Yield();
                }
            }

            long sinceCheckpoint = _log.Size - _checkpointedSize;
            if (Volatile.Read(ref _fault) is null
                && (sinceCheckpoint >= _options.CheckpointEveryRecords || checkpointRequested))
            {
                await CheckpointAsync(force: false).ConfigureAwait(false);
            }
        }

        if (Volatile.Read(ref _fault) is null && _log.Size != _checkpointedSize)
        {
            await CheckpointAsync(force: false).ConfigureAwait(false);
        }

        await ReleaseConnectionAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for queued appends. The writer holds its connection from batch to batch while appends keep coming, and
    /// gives it back to the data source's pool (which prunes and replaces idle connections) after a second without any.
    /// </summary>
    private async ValueTask<bool> WaitForAppendsAsync(ChannelReader<PendingAppend> reader)
    {
        ValueTask<bool> waiting = reader.WaitToReadAsync();
        if (waiting.IsCompleted || _connection is null)
        {
            return await waiting.ConfigureAwait(false);
        }

        Task<bool> appends = waiting.AsTask();
        using (var idle = new CancellationTokenSource())
        {
            Task elapsed = Task.Delay(HeldConnectionIdleTime, _options.TimeProvider, idle.Token);
            if (await Task.WhenAny(appends, elapsed).ConfigureAwait(false) == appends)
            {
                await idle.CancelAsync().ConfigureAwait(false);
                return await appends.ConfigureAwait(false);
            }
        }

        await ReleaseConnectionAsync().ConfigureAwait(false);
        return await appends.ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction: lock, read the head, insert the batch with one statement, commit; then complete the appends.
    /// When this instance wrote the head last, all of it goes in one round trip that inserts only if the head is still
    /// the one it knows (otherwise nothing is inserted, and the batch takes the locking, head-reading path).
    /// </summary>
    private async Task CommitBatchAsync(List<PendingAppend> batch)
    {
        bool commitSent = false;
        long first = -1;
        EncodedBatch? encoded = null;
        try
        {
            using var timeout = new CancellationTokenSource(_options.BatchTimeout, _options.TimeProvider);
            CancellationToken token = timeout.Token;
            NpgsqlConnection connection = _connection ??= await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            if (_unresolved is null && _options.BatchHook is null)
            {
                first = _log.Size;
                encoded = Encode(batch, first);
                commitSent = true;
                if (await TryAppendAtKnownHeadAsync(connection, encoded, token).ConfigureAwait(false))
                {
                    Complete(batch, first, encoded.Leaves);
                    return;
                }

                commitSent = false;
            }

            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, token).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await LockAndCatchUpAsync(connection, transaction, token).ConfigureAwait(false);
                if (ResolveUnknownBatch() is { } recovery)
                {
                    batch.Insert(0, recovery);
                }

                await Hook(BatchStage.Locked, connection, token).ConfigureAwait(false);
                first = _log.Size;
                encoded = Encode(batch, first);
                await InsertAsync(connection, transaction, encoded, token).ConfigureAwait(false);
                await Hook(BatchStage.BeforeCommit, connection, token).ConfigureAwait(false);
                commitSent = true;
                await transaction.CommitAsync(token).ConfigureAwait(false);
                await Hook(BatchStage.AfterCommit, connection, token).ConfigureAwait(false);
            }
        }
        catch (PostgresException ex) when (commitSent && encoded is not null && !ex.IsTransient && ex.SqlState != PostgresErrorCodes.QueryCanceled)
        {
            // The server refused a statement of the one-round-trip transaction: it aborted, and the COMMIT after it
            // only ended the aborted transaction. Nothing was written.
            await ReleaseConnectionAsync().ConfigureAwait(false);
            FailBatch(batch, ex, -1, null);
            return;
        }
#pragma warning disable CA1031 // Whatever failed, the batch is not acknowledged; the loop must outlive it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await ReleaseConnectionAsync().ConfigureAwait(false);
            FailBatch(batch, ex, commitSent ? first : -1, encoded?.Leaves);
            return;
        }

        Complete(batch, first, encoded.Leaves);
    }

    /// <summary>
    /// Closes the writer's held connection (back to the data source's pool), whatever state a failure left it in; the
    /// next batch opens one. Held only while appends keep coming, so an idle sink holds none.
    /// </summary>
    private async ValueTask ReleaseConnectionAsync()
    {
        if (_connection is not { } connection)
        {
            return;
        }

        _connection = null;
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A broken connection may fail to close; it is abandoned either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void Complete(List<PendingAppend> batch, long first, byte[][] leaves)
    {
        for (int i = 0; i < leaves.Length; i++)
        {
            _log.Restore(leaves[i]);
        }

        Volatile.Write(ref _durableCount, _log.Size);
        for (int i = 0; i < batch.Count; i++)
        {
            PendingAppend item = batch[i];
            item.TrySetResult(new EvidenceReceipt(first + i, leaves[i], first + i + 1));
        }
    }

    /// <summary>
    /// BEGIN, lock, insert only if the trail's head is this instance's head (and synchronous_commit is not off),
    /// COMMIT: one round trip. Returns whether the rows were inserted and committed.
    /// </summary>
    private async Task<bool> TryAppendAtKnownHeadAsync(NpgsqlConnection connection, EncodedBatch encoded, CancellationToken token)
    {
        var batch = new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL READ COMMITTED"));
            var lockCommand = new NpgsqlBatchCommand(_sql.Lock);
            lockCommand.Parameters.AddWithValue("key", _lockKey);
            batch.BatchCommands.Add(lockCommand);
            var insert = new NpgsqlBatchCommand(_sql.InsertAtHead);
            AddRows(insert.Parameters, encoded);
            insert.Parameters.AddWithValue("next", encoded.First);
            insert.Parameters.AddWithValue("head", encoded.Previous[0]);
            batch.BatchCommands.Add(insert);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            try
            {
                // Prepared once per physical connection (later calls find them prepared), as are the locking path's
                // statements: the server skips parsing and planning them on every batch.
                await batch.PrepareAsync(token).ConfigureAwait(false);
                await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            catch (PostgresException) when (connection.State == ConnectionState.Open)
            {
                // The server skipped the COMMIT after the error; end the aborted transaction before the connection is reused.
                var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await using (rollback.ConfigureAwait(false))
                {
                    await rollback.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                throw;
            }

            int inserted = insert.RecordsAffected;
            if (inserted != 0 && inserted != encoded.Leaves.Length)
            {
                throw new InvalidOperationException($"The insert of {encoded.Leaves.Length} evidence records reported {inserted} rows.");
            }

            return inserted != 0;
        }
    }

    private void FailBatch(List<PendingAppend> batch, Exception ex, long unresolvedFirst, byte[][]? leaves)
    {
        EvidenceUnavailableException failure;
        if (ex is TamperException)
        {
            Interlocked.CompareExchange(ref _fault, ex, null);
            _logger.TamperDetected(_schema, ex.Message);
            failure = Faulted(ex);
        }
        else if (unresolvedFirst >= 0 && leaves is not null)
        {
            _unresolved = new UnresolvedBatch(unresolvedFirst, leaves);
            _unresolvedCommitted = false;
            _logger.BatchOutcomeUnknown(batch.Count, unresolvedFirst, _schema, ex);
            failure = new EvidenceUnavailableException(
                GateCodes.EvidenceUnavailable,
                $"The commit of {batch.Count} evidence records from sequence {unresolvedFirst} in schema '{_schema}' was not acknowledged ({ex.Message}); the record may or may not be in the trail and is not retried.",
                ex);
        }
        else
        {
            _logger.BatchFailed(batch.Count, _schema, ex);
            failure = ex is EvidenceUnavailableException unavailable
                ? unavailable
                : new EvidenceUnavailableException(
                    GateCodes.EvidenceUnavailable,
                    $"A batch of {batch.Count} evidence records in schema '{_schema}' failed before its commit ({ex.Message}); the record was not written and is not retried.",
                    ex);
        }

        // A connection that failed (not a statement the server refused) may mean a restart or failover: idle pooled
        // connections to the old server would fail the next batch too, so drop them and reconnect.
        if (ex is not TamperException and not PostgresException)
        {
            _dataSource.Clear();
        }

        foreach (PendingAppend item in batch)
        {
            item.TrySetException(failure);
        }
    }

    /// <summary>Takes the append lock, checks synchronous_commit, and reads every row appended since this instance's head.</summary>
    private async Task LockAndCatchUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken token)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var lockCommand = new NpgsqlBatchCommand(_sql.Lock);
            lockCommand.Parameters.AddWithValue("key", _lockKey);
            batch.BatchCommands.Add(lockCommand);
            var rows = new NpgsqlBatchCommand(_sql.RowsBetween);
            AddCatchUpRange(rows.Parameters);
            batch.BatchCommands.Add(rows);

            int read;
            await batch.PrepareAsync(token).ConfigureAwait(false);
            NpgsqlDataReader reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(token).ConfigureAwait(false);
                ThrowIfNotSynchronous(reader.GetString(1), _schema);
                await reader.NextResultAsync(token).ConfigureAwait(false);
                read = await CatchUpAsync(reader, token).ConfigureAwait(false);
            }

            if (read > CatchUpChunk)
            {
                await CatchUpByChunksAsync(connection, transaction, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The next catch-up chunk: this instance's head row and up to <see cref="CatchUpChunk"/> rows after it.</summary>
    private void AddCatchUpRange(NpgsqlParameterCollection parameters)
    {
        long from = Math.Max(_log.Size - 1, 0);
        parameters.AddWithValue("from", from);
        parameters.AddWithValue("to", from + CatchUpChunk);
    }

    /// <summary>Catches up chunk by chunk, for as long as a chunk comes back full.</summary>
    private async Task CatchUpByChunksAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken token)
    {
        int read;
        do
        {
            var rows = new NpgsqlCommand(_sql.RowsBetween, connection, transaction);
            await using (rows.ConfigureAwait(false))
            {
                AddCatchUpRange(rows.Parameters);
                NpgsqlDataReader reader = await rows.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    read = await CatchUpAsync(reader, token).ConfigureAwait(false);
                }
            }
        }
        while (read > CatchUpChunk);
    }

    /// <summary>
    /// Advances the log over rows other instances (or an unacknowledged batch of this one) committed, checking that the
    /// row at this instance's head is unchanged and that every later row follows the chain.
    /// </summary>
    /// <returns>The number of rows read.</returns>
    private async Task<int> CatchUpAsync(NpgsqlDataReader reader, CancellationToken token)
    {
        int read = 0;
        long known = _log.Size;
        bool sawHead = known == 0;
        var leaf = new byte[EvidenceHashing.HashSize];
        var previous = new byte[EvidenceHashing.HashSize];
        while (await reader.ReadAsync(token).ConfigureAwait(false))
        {
            read++;
            long seq = reader.GetInt64(0);
            ReadHash(reader, 1, leaf);
            ReadHash(reader, 2, previous);
            if (seq == known - 1)
            {
                if (!leaf.AsSpan().SequenceEqual(_log.LastLeafHash))
                {
                    throw new TamperException($"record {seq}'s leaf hash changed from {EvidenceHashing.ToHex(_log.LastLeafHash)} to {EvidenceHashing.ToHex(leaf)}");
                }

                sawHead = true;
                continue;
            }

            if (!sawHead)
            {
                throw new TamperException($"record {known - 1}, which this instance saw committed, is missing: records were cut");
            }

            CheckNext(_log, seq, previous);
            if (_unresolved is { } unresolved && seq == unresolved.FirstSequence)
            {
                _unresolvedCommitted = leaf.AsSpan().SequenceEqual(unresolved.Leaves[0]);
            }

            _log.Restore(leaf);
        }

        if (!sawHead)
        {
            throw new TamperException($"the trail holds fewer than the {known} records this instance saw committed: records were cut");
        }

        Volatile.Write(ref _durableCount, _log.Size);
        return read;
    }

    /// <summary>After a catch-up, learns whether an unacknowledged batch committed; returns a Recovery record to append when it did.</summary>
    private PendingAppend? ResolveUnknownBatch()
    {
        if (_unresolved is not { } unresolved)
        {
            return null;
        }

        // The lock is held and the head read: the unacknowledged transaction has finished one way or the other (it held
        // the same lock until it committed or aborted), so the rows say which.
        bool committed = _unresolvedCommitted;
        _unresolved = null;
        _unresolvedCommitted = false;
        long last = unresolved.FirstSequence + unresolved.Leaves.Length - 1;
        string outcome = committed ? "committed: its records are in the trail, though their appends were refused" : "not committed: none of its records are in the trail";
        _logger.BatchOutcomeResolved(unresolved.Leaves.Length, unresolved.FirstSequence, _schema, outcome);
        if (!committed)
        {
            return null;
        }

        var recovery = new EvidenceRecord
        {
            Timestamp = _options.TimeProvider.GetUtcNow(),
            Action = "evidence.postgresql.resolve",
            Kind = EvidenceKind.Recovery,
            Verdict = Verdict.Indeterminate,
            Code = GateCodes.EvidenceUnavailable,
            Gate = nameof(PostgreSqlEvidenceSink),
            ExecutionId = "resolve-" + unresolved.FirstSequence.ToString(CultureInfo.InvariantCulture),
            Detail = string.Create(
                CultureInfo.InvariantCulture,
                $"Records {unresolved.FirstSequence} to {last} were committed, but the commit was not acknowledged, so their appends were refused as EvidenceUnavailable: each announced an action that did not run."),
        };
        return PendingAppend.Owning(EvidenceEncoding.EncodeContent(recovery));
    }

    /// <summary>Encodes the batch's entries after the head, chained from this instance's last leaf.</summary>
    private EncodedBatch Encode(List<PendingAppend> batch, long first)
    {
        int count = batch.Count;
        var encoded = new EncodedBatch(first, new long[count], new byte[count][], new byte[count][], new byte[count][]);
        byte[] prev = _log.LastLeafHash.ToArray();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < count; i++)
        {
            long seq = first + i;
            byte[] entry = EvidenceEncoding.EncodeEntry(seq, prev, batch[i].Content);
            var leaf = new byte[EvidenceHashing.HashSize];
            EvidenceHashing.LeafHash(sha256, entry, leaf);
            encoded.Sequences[i] = seq;
            encoded.Entries[i] = entry;
            encoded.Leaves[i] = leaf;
            encoded.Previous[i] = prev;
            prev = leaf;
        }

        return encoded;
    }

    /// <summary>Inserts the batch with one statement over parameter arrays.</summary>
    private async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EncodedBatch encoded, CancellationToken token)
    {
        var insert = new NpgsqlCommand(_sql.Insert, connection, transaction);
        await using (insert.ConfigureAwait(false))
        {
            AddRows(insert.Parameters, encoded);
            await insert.PrepareAsync(token).ConfigureAwait(false);
            int inserted = await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            if (inserted != encoded.Leaves.Length)
            {
                throw new InvalidOperationException($"The insert of {encoded.Leaves.Length} evidence records reported {inserted} rows.");
            }
        }
    }

    private static void AddRows(NpgsqlParameterCollection parameters, EncodedBatch encoded)
    {
        parameters.Add(new NpgsqlParameter<long[]>("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = encoded.Sequences });
        parameters.Add(new NpgsqlParameter<byte[][]>("entry", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = encoded.Entries });
        parameters.Add(new NpgsqlParameter<byte[][]>("leaf", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = encoded.Leaves });
        parameters.Add(new NpgsqlParameter<byte[][]>("prev", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = encoded.Previous });
    }

    private ValueTask Hook(BatchStage stage, NpgsqlConnection connection, CancellationToken token) =>
        _options.BatchHook is { } hook ? hook(stage, connection, token) : ValueTask.CompletedTask;

    /// <summary>Catches up without the lock (committed rows are always a prefix), signs the head, stores and publishes it.</summary>
    /// <returns>False when the checkpoint could not be written; it is tried again later.</returns>
    private async Task<bool> CheckpointAsync(bool force)
    {
        long size = _log.Size;
        try
        {
            using var timeout = new CancellationTokenSource(_options.BatchTimeout, _options.TimeProvider);
            CancellationToken token = timeout.Token;
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await CatchUpByChunksAsync(connection, transaction: null, token).ConfigureAwait(false);

                size = _log.Size;
                if (!force && size == _checkpointedSize)
                {
                    return true;
                }

                byte[] root = _log.Root();
                EvidenceCheckpoint checkpoint = CheckpointNote.Sign(_options.Origin, size, root, _options.SigningKey);
                var insert = new NpgsqlCommand(_sql.InsertCheckpoint, connection);
                await using (insert.ConfigureAwait(false))
                {
                    insert.Parameters.AddWithValue("size", size);
                    insert.Parameters.AddWithValue("root", root);
                    insert.Parameters.AddWithValue("note", checkpoint.Note);
                    await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                if (_options.Anchor is { } anchor)
                {
                    await anchor.PublishAsync(checkpoint, token).ConfigureAwait(false);
                }

                _checkpointedSize = size;
                Volatile.Write(ref _lastCheckpoint, checkpoint);
                _logger.CheckpointWritten(size, _schema);
                return true;
            }
        }
        catch (TamperException ex)
        {
            Interlocked.CompareExchange(ref _fault, ex, null);
            _logger.TamperDetected(_schema, ex.Message);
            return false;
        }
#pragma warning disable CA1031 // A checkpoint that could not be written is tried again; the records themselves are committed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.CheckpointFailed(size, _schema, ex);
            return false;
        }
    }
}

using System.Data;
using System.Security.Cryptography;
using System.Threading.Channels;
using Npgsql;

namespace FailClosed.Gates.PostgreSql;

public sealed partial class PostgreSqlEvidenceSink
{
    /// <summary>
    /// Checks the trail (sequence, hash chain and latest checkpoint), refuses a session whose
    /// <c>synchronous_commit</c> is off, writes an opening checkpoint and starts accepting appends.
    /// </summary>
    /// <param name="options">The sink settings.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The open sink; dispose it to write a final checkpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range or the signing key has no private key.</exception>
    /// <exception cref="EvidenceUnavailableException">
    /// <see cref="GateCodes.EvidenceTampered"/>: the trail failed a tamper-evidence check (a sequence gap, a broken chain,
    /// a checkpoint it does not match or that no trusted key signed, records without any checkpoint).
    /// <see cref="GateCodes.EvidenceUnavailable"/>: the server could not be reached, the schema is missing (run
    /// <see cref="PostgreSqlEvidenceSchema.MigrateAsync"/>), or <c>synchronous_commit</c> is off.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<PostgreSqlEvidenceSink> OpenAsync(PostgreSqlEvidenceSinkOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        IReadOnlyList<CheckpointKey> trustedKeys = [options.SigningKey, .. options.TrustedKeys];
        var log = new EvidenceLog();
        PostgreSqlEvidenceSink? sink = null;
        try
        {
            await LoadAsync(options, log, trustedKeys, cancellationToken).ConfigureAwait(false);
            sink = new PostgreSqlEvidenceSink(options, log, trustedKeys);

            // A checkpoint on every open, as the file journal does: "records but no checkpoint" then means tampering.
            if (!await sink.CheckpointAsync(force: true).ConfigureAwait(false))
            {
                throw new EvidenceUnavailableException(
                    GateCodes.EvidenceUnavailable,
                    $"The PostgreSQL evidence sink for schema '{options.Schema}' could not write its opening checkpoint; see the CheckpointFailed log event.");
            }

            if (sink._fault is { } fault)
            {
                throw sink.Faulted(fault);
            }
        }
        catch (Exception ex) when (ex is not EvidenceUnavailableException and not OperationCanceledException)
        {
            log.Dispose();
            throw ex is TamperException
                ? new EvidenceUnavailableException(GateCodes.EvidenceTampered, $"The evidence trail in schema '{options.Schema}' failed its tamper-evidence checks and the sink was not opened: {ex.Message}. Run 'fcgate verify --connection' and investigate before appending.", ex)
                : new EvidenceUnavailableException(GateCodes.EvidenceUnavailable, $"The PostgreSQL evidence sink for schema '{options.Schema}' could not be opened: {ex.Message}", ex);
        }
        catch
        {
            log.Dispose();
            throw;
        }

        sink._writer = Task.Run(sink.RunWriterAsync, CancellationToken.None);
        if (options.CheckpointInterval != Timeout.InfiniteTimeSpan)
        {
            sink._timer = options.TimeProvider.CreateTimer(
                static state => ((Channel<PendingAppend>)state!).Writer.TryWrite(PendingAppend.CheckpointRequest),
                sink._channel,
                options.CheckpointInterval,
                options.CheckpointInterval);
        }

        sink._logger.SinkOpened(options.Schema, log.Size);
        return sink;
    }

    /// <summary>Reads every row's hashes in one snapshot, checks sequence and chain, and checks the latest checkpoint.</summary>
    private static async Task LoadAsync(PostgreSqlEvidenceSinkOptions options, EvidenceLog log, IReadOnlyList<CheckpointKey> trustedKeys, CancellationToken cancellationToken)
    {
        var sql = new Sql(options.Schema);
        NpgsqlConnection connection = await options.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await EnsureSynchronousCommitAsync(connection, options.Schema, cancellationToken).ConfigureAwait(false);
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                long checkpointSize = -1;
                string? note = null;
                var latest = new NpgsqlCommand(sql.LatestCheckpoint, connection, transaction);
                await using (latest.ConfigureAwait(false))
                {
                    NpgsqlDataReader reader = await latest.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            checkpointSize = reader.GetInt64(0);
                            note = reader.GetString(1);
                        }
                    }
                }

                byte[]? checkpointRoot = checkpointSize == 0 ? EvidenceHashing.EmptyRoot() : null;
                var rows = new NpgsqlCommand(sql.RowsFrom, connection, transaction);
                await using (rows.ConfigureAwait(false))
                {
                    rows.Parameters.AddWithValue("from", 0L);
                    NpgsqlDataReader reader = await rows.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var leaf = new byte[EvidenceHashing.HashSize];
                        var previous = new byte[EvidenceHashing.HashSize];
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            long seq = reader.GetInt64(0);
                            ReadHash(reader, 1, leaf);
                            ReadHash(reader, 2, previous);
                            CheckNext(log, seq, previous);
                            log.Restore(leaf);
                            if (log.Size == checkpointSize)
                            {
                                checkpointRoot = log.Root();
                            }
                        }
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                CheckCheckpoint(options, log.Size, note, checkpointSize, checkpointRoot, trustedKeys);
            }
        }
    }

    private static void CheckCheckpoint(PostgreSqlEvidenceSinkOptions options, long size, string? note, long checkpointSize, byte[]? checkpointRoot, IReadOnlyList<CheckpointKey> trustedKeys)
    {
        if (note is null)
        {
            if (size > 0)
            {
                throw new TamperException($"it holds {size} records but no checkpoint");
            }

            return;
        }

        EvidenceCheckpoint checkpoint = CheckpointNote.TryVerify(note, trustedKeys, out string reason)
            ?? throw new TamperException($"its latest checkpoint (at {checkpointSize} records) does not verify: {reason}");
        if (checkpoint.TreeSize != checkpointSize)
        {
            throw new TamperException($"its latest checkpoint row says {checkpointSize} records but its note commits to {checkpoint.TreeSize}");
        }

        if (checkpoint.Origin != options.Origin)
        {
            throw new TamperException($"its checkpoint names origin '{checkpoint.Origin}', not '{options.Origin}'");
        }

        if (checkpointRoot is null)
        {
            throw new TamperException($"it holds {size} records but its checkpoint commits to {checkpoint.TreeSize}: records were cut");
        }

        string root = EvidenceHashing.ToHex(checkpointRoot);
        if (root != checkpoint.RootHash)
        {
            throw new TamperException($"the Merkle root of its first {checkpoint.TreeSize} records is {root}, not the checkpoint's {checkpoint.RootHash}");
        }
    }

    /// <summary>Checks that a row read from the trail follows the log: the next sequence, chained to the last leaf.</summary>
    private static void CheckNext(EvidenceLog log, long seq, ReadOnlySpan<byte> previous)
    {
        if (seq != log.Size)
        {
            throw new TamperException($"the record after sequence {log.Size - 1} has sequence {seq}, not {log.Size}");
        }

        if (!previous.SequenceEqual(log.LastLeafHash))
        {
            throw new TamperException($"record {seq}'s previous hash {EvidenceHashing.ToHex(previous)} is not the leaf hash of the record before it, {EvidenceHashing.ToHex(log.LastLeafHash)}");
        }
    }

    private static void ReadHash(NpgsqlDataReader reader, int ordinal, byte[] destination)
    {
        long read = reader.GetBytes(ordinal, 0, destination, 0, destination.Length);
        if (read != EvidenceHashing.HashSize || reader.GetBytes(ordinal, EvidenceHashing.HashSize, null, 0, 0) != EvidenceHashing.HashSize)
        {
            throw new TamperException($"a hash column holds {read} bytes where {EvidenceHashing.HashSize} were expected");
        }
    }

    private static async Task EnsureSynchronousCommitAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT current_setting('synchronous_commit')", connection);
        await using (command.ConfigureAwait(false))
        {
            string? setting = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfNotSynchronous(setting, schema);
        }
    }

    private static void ThrowIfNotSynchronous(string? setting, string schema)
    {
        if (string.Equals(setting, "off", StringComparison.OrdinalIgnoreCase))
        {
            throw new EvidenceUnavailableException(
                GateCodes.EvidenceUnavailable,
                $"The session's synchronous_commit is 'off', so a commit could be acknowledged before it is durable; the evidence trail in schema '{schema}' refuses to append. Set synchronous_commit to 'on' (or 'local', 'remote_write', 'remote_apply') for the application's role or database.");
        }
    }

    private static void ValidateOptions(PostgreSqlEvidenceSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.DataSource, "options.DataSource");
        PostgreSqlEvidenceSchema.ValidateIdentifier(options.Schema, "options.Schema");
        ArgumentException.ThrowIfNullOrEmpty(options.Origin, "options.Origin");
        ArgumentNullException.ThrowIfNull(options.SigningKey, "options.SigningKey");
        ArgumentNullException.ThrowIfNull(options.TrustedKeys, "options.TrustedKeys");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CheckpointEveryRecords, 1, "options.CheckpointEveryRecords");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchRecords, 1, "options.MaxBatchRecords");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BatchTimeout, TimeSpan.Zero, "options.BatchTimeout");
        if (options.CheckpointInterval != Timeout.InfiniteTimeSpan && options.CheckpointInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("options.CheckpointInterval", options.CheckpointInterval, $"The checkpoint interval {options.CheckpointInterval} must be positive or Timeout.InfiniteTimeSpan.");
        }

        foreach (char c in options.Origin)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"The origin '{options.Origin}' has a control character; it must be a single line.", "options.Origin");
            }
        }

        try
        {
            _ = options.SigningKey.Key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"The signing key '{options.SigningKey.Name}' has no exportable private key; checkpoints cannot be signed with it.", "options.SigningKey", ex);
        }
    }
}

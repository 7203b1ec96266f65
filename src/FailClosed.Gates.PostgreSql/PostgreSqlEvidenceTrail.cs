using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace FailClosed.Gates.PostgreSql;

/// <summary>Verifies a PostgreSQL evidence trail and exports it to the journal file format.</summary>
/// <remarks>
/// Both read the trail and its latest checkpoint in one repeatable-read snapshot, so they can run while instances
/// append. A role with SELECT on the two tables is enough.
/// </remarks>
public static class PostgreSqlEvidenceTrail
{
    /// <summary>
    /// Verifies the trail with <see cref="EvidenceVerifier.Verify(IEnumerable{ReadOnlyMemory{byte}}, string?, IReadOnlyList{CheckpointKey})"/>
    /// — every entry's canonical encoding, sequence and chain, the Merkle root, the latest checkpoint — and checks that
    /// each row's <c>seq</c>, <c>leaf_hash</c> and <c>prev_hash</c> columns agree with its entry.
    /// </summary>
    /// <param name="dataSource">A data source that can read the trail's tables.</param>
    /// <param name="trustedKeys">The keys a checkpoint may be signed with; when empty, only the chain is checked.</param>
    /// <param name="schema">The trail's schema.</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The size and root, or the first bad record (its index) and why.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a plain lower-case identifier.</exception>
    /// <exception cref="NpgsqlException">The trail could not be read.</exception>
    public static Task<EvidenceVerification> VerifyAsync(NpgsqlDataSource dataSource, IReadOnlyList<CheckpointKey> trustedKeys, string schema = PostgreSqlEvidenceSchema.DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        PostgreSqlEvidenceSchema.ValidateIdentifier(schema, nameof(schema));

        // The verifier takes a plain sequence; read it with the synchronous API on a pool thread.
        return Task.Run(() => Verify(dataSource, trustedKeys, schema, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Writes the trail as a journal file (<paramref name="path"/>) and its latest checkpoint
    /// (<paramref name="path"/><c>.checkpoint</c>), which <see cref="EvidenceVerifier.Verify(string, IReadOnlyList{CheckpointKey})"/>,
    /// <c>fcgate verify</c>, <c>dump</c> and <c>prove</c> read as they read a file journal's.
    /// </summary>
    /// <param name="dataSource">A data source that can read the trail's tables.</param>
    /// <param name="path">The journal file to create; it must not exist.</param>
    /// <param name="schema">The trail's schema.</param>
    /// <param name="cancellationToken">Cancels the export; a partial file is deleted.</param>
    /// <returns>The number of records exported.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or <paramref name="schema"/> is not a plain lower-case identifier.</exception>
    /// <exception cref="IOException">The file exists or could not be written.</exception>
    /// <exception cref="NpgsqlException">The trail could not be read.</exception>
    public static async Task<long> ExportAsync(NpgsqlDataSource dataSource, string path, string schema = PostgreSqlEvidenceSchema.DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(path);
        PostgreSqlEvidenceSchema.ValidateIdentifier(schema, nameof(schema));
        var sql = new Sql(schema);
        long count = 0;
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        bool done = false;
        try
        {
            await using (file.ConfigureAwait(false))
            {
                NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        string? note = await ReadNoteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                        var command = new NpgsqlCommand(sql.Entries, connection, transaction);
                        await using (command.ConfigureAwait(false))
                        {
                            NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                            await using (reader.ConfigureAwait(false))
                            {
                                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                                {
                                    _ = reader.GetInt64(0);
                                    byte[] entry = reader.GetFieldValue<byte[]>(1);
                                    await file.WriteAsync(JournalFrame.Create(entry), cancellationToken).ConfigureAwait(false);
                                    count++;
                                }
                            }
                        }

                        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                        file.Flush(flushToDisk: true);
                        if (note is not null)
                        {
                            await File.WriteAllTextAsync(path + ".checkpoint", note, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }

            done = true;
            return count;
        }
        finally
        {
            if (!done)
            {
                File.Delete(path);
                File.Delete(path + ".checkpoint");
            }
        }
    }

    private static EvidenceVerification Verify(NpgsqlDataSource dataSource, IReadOnlyList<CheckpointKey> trustedKeys, string schema, CancellationToken cancellationToken)
    {
        var sql = new Sql(schema);
        using NpgsqlConnection connection = dataSource.OpenConnection();
        using NpgsqlTransaction transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
        string? note = ReadNoteAsync(connection, transaction, sql, CancellationToken.None).GetAwaiter().GetResult();
        using var command = new NpgsqlCommand(sql.Entries, connection, transaction);
        using NpgsqlDataReader reader = command.ExecuteReader(CommandBehavior.SequentialAccess);
        var rows = new RowReader(reader, cancellationToken);
        EvidenceVerification result = EvidenceVerifier.Verify(rows.Entries(), note, trustedKeys);
        return rows.Defect is { } defect && (result.FailedIndex is null || result.FailedIndex >= defect.Index)
            ? new EvidenceVerification(result.TreeSize, result.RootHash, null, defect.Index, null, defect.Reason)
            : result;
    }

    private static async Task<string?> ReadNoteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Sql sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql.LatestCheckpoint, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(1) : null;
            }
        }
    }

    /// <summary>Yields each row's entry after checking its columns; stops at the first row whose columns disagree.</summary>
    private sealed class RowReader(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        public (long Index, string Reason)? Defect { get; private set; }

        public IEnumerable<ReadOnlyMemory<byte>> Entries()
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var leaf = new byte[EvidenceHashing.HashSize];
            byte[] previousLeaf = new byte[EvidenceHashing.HashSize];
            for (long index = 0; reader.Read(); index++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long seq = reader.GetInt64(0);
                byte[] entry = reader.GetFieldValue<byte[]>(1);
                byte[] leafColumn = reader.GetFieldValue<byte[]>(2);
                byte[] prevColumn = reader.GetFieldValue<byte[]>(3);
                EvidenceHashing.LeafHash(sha256, entry, leaf);
                string? reason = seq != index
                    ? string.Create(CultureInfo.InvariantCulture, $"the row after sequence {index - 1} has seq {seq}, not {index}")
                    : !leafColumn.AsSpan().SequenceEqual(leaf)
                        ? $"the row's leaf_hash column {EvidenceHashing.ToHex(leafColumn)} is not the leaf hash of its entry, {EvidenceHashing.ToHex(leaf)}"
                        : !prevColumn.AsSpan().SequenceEqual(previousLeaf)
                            ? $"the row's prev_hash column {EvidenceHashing.ToHex(prevColumn)} is not the leaf hash of the row before it, {EvidenceHashing.ToHex(previousLeaf)}"
                            : null;
                if (reason is not null)
                {
                    Defect = (index, reason);
                    yield break;
                }

                leaf.CopyTo(previousLeaf, 0);
                yield return entry;
            }
        }
    }
}

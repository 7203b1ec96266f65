using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace FailClosed.Gates.PostgreSql;

/// <summary>
/// An <see cref="IReviewQueue"/> on PostgreSQL that every instance of a service shares: the same tickets, votes and
/// state machine as <see cref="FileReviewQueue"/>, with each change a compare-and-set in one statement, so two
/// instances never both count a vote and an approved ticket is claimed for one run only.
/// </summary>
/// <remarks>
/// <para>
/// Each ticket is rebuilt from its append-only history (the same ticket events <see cref="FileReviewQueue"/> journals,
/// as canonical evidence entries) by the core's state machine. <see cref="ApplyAsync"/> reads the history, checks the
/// transition against the ticket as it is now, then in one statement moves the ticket row from the expected version to
/// the next and appends the event, only if the row is still at the expected version; a change that lost the race is a
/// <see cref="ReviewConflictException"/>. A change completes only after its commit, with <c>synchronous_commit</c> on.
/// </para>
/// <para>
/// Connection loss, a server error and a timeout (<see cref="PostgreSqlReviewQueueOptions.OperationTimeout"/>) throw
/// <see cref="EvidenceUnavailableException"/> (<see cref="GateCodes.EvidenceUnavailable"/>); nothing is retried, and the
/// executor keeps the request blocked. Create the tables first with <see cref="PostgreSqlReviewQueueSchema"/>.
/// Thread-safe; holds no connection between calls.
/// </para>
/// </remarks>
public sealed class PostgreSqlReviewQueue : IReviewQueue
{
    private static readonly byte[] s_noPrevious = new byte[EvidenceHashing.HashSize];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly ReviewSql _sql;
    private readonly string _history;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlReviewQueue"/> class; it connects only when used.</summary>
    /// <param name="options">The queue settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">The schema is not a plain lower-case identifier.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The operation timeout is not positive or is infinite.</exception>
    public PostgreSqlReviewQueue(PostgreSqlReviewQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.DataSource, "options.DataSource");
        PostgreSqlEvidenceSchema.ValidateIdentifier(options.Schema, "options.Schema");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        if (options.OperationTimeout <= TimeSpan.Zero || options.OperationTimeout == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                "options.OperationTimeout",
                options.OperationTimeout,
                $"The operation timeout '{options.OperationTimeout}' must be positive and finite: an unbounded call would let a hung server hang every review.");
        }

        _dataSource = options.DataSource;
        _schema = options.Schema;
        _timeout = options.OperationTimeout;
        _timeProvider = options.TimeProvider;
        _sql = new ReviewSql(options.Schema);
        _history = options.Schema + ".review_events";
    }

    /// <summary>Gets the schema holding the queue.</summary>
    public string Schema => _schema;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">The request's digest is not the hash of its description, it carries an Allow
    /// decision, or it encodes to more than 64 KiB.</exception>
    /// <exception cref="ReviewConflictException">A ticket with the same id is already queued.</exception>
    /// <exception cref="EvidenceUnavailableException">The server could not be reached, failed or did not answer in time,
    /// or <c>synchronous_commit</c> is off; the caller must treat the request as not queued.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ReviewTicket ticket = new ReviewTicketBook().Admit(request);
        byte[] entry = EvidenceEncoding.EncodeEntry(0, s_noPrevious, EvidenceEncoding.EncodeContent(ReviewEventCodec.Enqueued(request)));
        cancellationToken.ThrowIfCancellationRequested();

        (int inserted, string synchronousCommit) = await RunAsync(
                "queue ticket '" + ticket.Id + "'",
                isChange: true,
                async (connection, token) =>
                {
                    var command = new NpgsqlCommand(_sql.Enqueue, connection);
                    await using (command.ConfigureAwait(false))
                    {
                        command.Parameters.Add(new NpgsqlParameter<string>("id", NpgsqlDbType.Text) { TypedValue = ticket.Id });
                        command.Parameters.Add(new NpgsqlParameter<string>("action", NpgsqlDbType.Text) { TypedValue = ticket.Action });
                        command.Parameters.Add(new NpgsqlParameter<DateTime>("created", NpgsqlDbType.TimestampTz) { TypedValue = ticket.CreatedAt.UtcDateTime });
                        command.Parameters.Add(new NpgsqlParameter<DateTime>("expires", NpgsqlDbType.TimestampTz) { TypedValue = ticket.ExpiresAt.UtcDateTime });
                        command.Parameters.Add(new NpgsqlParameter<byte[]>("event", NpgsqlDbType.Bytea) { TypedValue = entry });
                        return await ReadOutcomeAsync(command, token).ConfigureAwait(false);
                    }
                },
                cancellationToken)
            .ConfigureAwait(false);

        ThrowIfNotSynchronous(synchronousCommit, "ticket '" + ticket.Id + "' was not queued");
        return inserted == 1
            ? ticket
            : throw new ReviewConflictException($"A ticket with id '{ticket.Id}' is already queued; ticket ids are unique.");
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="ticketId"/> is null.</exception>
    /// <exception cref="EvidenceUnavailableException">The server could not be reached, failed or did not answer in time
    /// (<see cref="GateCodes.EvidenceUnavailable"/>), or the ticket's history is not valid (<see cref="GateCodes.EvidenceTampered"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async ValueTask<ReviewTicket?> FindAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        cancellationToken.ThrowIfCancellationRequested();
        ReviewTicketBook book = await RunAsync(
                "read ticket '" + ticketId + "'",
                isChange: false,
                (connection, token) => ReadTicketAsync(connection, ticketId, token),
                cancellationToken)
            .ConfigureAwait(false);
        return book.Find(ticketId);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
    /// <exception cref="EvidenceUnavailableException">The server could not be reached, failed or did not answer in time
    /// (<see cref="GateCodes.EvidenceUnavailable"/>), or a ticket's history is not valid (<see cref="GateCodes.EvidenceTampered"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async ValueTask<IReadOnlyList<ReviewTicket>> ListAsync(ReviewTicketFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        string[] states = filter.States is { Count: > 0 } selected ? [.. selected.Select(static s => s.ToString())] : [];
        ReviewTicketBook book = await RunAsync(
                "list tickets",
                isChange: false,
                async (connection, token) =>
                {
                    var command = new NpgsqlCommand(_sql.List, connection);
                    await using (command.ConfigureAwait(false))
                    {
                        command.Parameters.Add(new NpgsqlParameter<string[]>("states", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = states });
                        command.Parameters.Add(new NpgsqlParameter("action", NpgsqlDbType.Text) { Value = (object?)filter.Action ?? DBNull.Value });
                        return await ReplayAsync(command, token).ConfigureAwait(false);
                    }
                },
                cancellationToken)
            .ConfigureAwait(false);

        // The core's filter and order (oldest first, queue order breaking ties) over the rebuilt tickets.
        return book.List(filter);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="transition"/> is null.</exception>
    /// <exception cref="EvidenceUnavailableException">The server could not be reached, failed or did not answer in time,
    /// or <c>synchronous_commit</c> is off (<see cref="GateCodes.EvidenceUnavailable"/>: whether a change whose commit was
    /// not acknowledged took effect is unknown until the ticket is read again), or the ticket's history is not valid
    /// (<see cref="GateCodes.EvidenceTampered"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async ValueTask<ReviewTicket> ApplyAsync(ReviewTransition transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);
        cancellationToken.ThrowIfCancellationRequested();
        string ticketId = transition.TicketId ?? string.Empty;
        (ReviewTicket next, int recorded, string synchronousCommit) = await RunAsync(
                "change ticket '" + ticketId + "'",
                isChange: true,
                async (connection, token) =>
                {
                    // The core decides whether the change is legal against the ticket as it is now; the statement below
                    // only makes it stick if nobody changed the ticket in between.
                    ReviewTicketBook book = await ReadTicketAsync(connection, ticketId, token).ConfigureAwait(false);
                    ReviewTicket changed = book.Next(transition);
                    byte[] entry = EvidenceEncoding.EncodeEntry(changed.Version, s_noPrevious, EvidenceEncoding.EncodeContent(ReviewEventCodec.Changed(changed, transition)));
                    var command = new NpgsqlCommand(_sql.Apply, connection);
                    await using (command.ConfigureAwait(false))
                    {
                        command.Parameters.Add(new NpgsqlParameter<string>("id", NpgsqlDbType.Text) { TypedValue = changed.Id });
                        command.Parameters.Add(new NpgsqlParameter<int>("version", NpgsqlDbType.Integer) { TypedValue = transition.ExpectedVersion });
                        command.Parameters.Add(new NpgsqlParameter<string>("state", NpgsqlDbType.Text) { TypedValue = changed.State.ToString() });
                        command.Parameters.Add(new NpgsqlParameter<byte[]>("event", NpgsqlDbType.Bytea) { TypedValue = entry });
                        (int count, string setting) = await ReadOutcomeAsync(command, token).ConfigureAwait(false);
                        return (changed, count, setting);
                    }
                },
                cancellationToken)
            .ConfigureAwait(false);

        ThrowIfNotSynchronous(synchronousCommit, "ticket '" + ticketId + "' was not changed");
        return recorded == 1
            ? next
            : throw new ReviewConflictException(string.Create(
                CultureInfo.InvariantCulture,
                $"Ticket '{ticketId}' is no longer at version {transition.ExpectedVersion}: another instance changed it first, and this change was not applied."));
    }

    private static async Task<(int Count, string SynchronousCommit)> ReadOutcomeAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("The review queue statement returned no row; it always returns one.");
            }

            return (reader.GetInt32(0), reader.GetString(1));
        }
    }

    private async Task<ReviewTicketBook> ReadTicketAsync(NpgsqlConnection connection, string ticketId, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(_sql.Events, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("id", NpgsqlDbType.Text) { TypedValue = ticketId });
            return await ReplayAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads events (one column, in order) and replays them through the core's state machine.</summary>
    private async Task<ReviewTicketBook> ReplayAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<EvidenceRecord>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                byte[] entry = reader.GetFieldValue<byte[]>(0);
                try
                {
                    records.Add(EvidenceEncoding.Decode(entry));
                }
                catch (FormatException ex)
                {
                    throw new EvidenceUnavailableException(
                        GateCodes.EvidenceTampered,
                        $"The review queue '{_history}' holds an event that is not a canonical entry: {ex.Message}",
                        ex);
                }
            }
        }

        var book = new ReviewTicketBook();
        ReviewEventCodec.Replay(records, book, _history);
        return book;
    }

    /// <summary>Runs <paramref name="body"/> on a pooled connection within the operation timeout, turning server and connection failures into <see cref="EvidenceUnavailableException"/>.</summary>
    private async Task<T> RunAsync<T>(string operation, bool isChange, Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using CancellationTokenRegistration link = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeout)
            : default;
        string outcome = isChange
            ? "; whether the change took effect is unknown until the ticket is read again"
            : "; nothing was changed";
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await body(connection, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException || (ex is NpgsqlException && timeout.IsCancellationRequested))
        {
            throw new EvidenceUnavailableException(
                GateCodes.EvidenceUnavailable,
                $"The review queue in schema '{_schema}' did not {operation} within {_timeout}{outcome}.",
                new TimeoutException($"The review queue operation timed out after {_timeout}.", ex));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ReviewConflictException($"The review queue in schema '{_schema}' refused to {operation}: another instance recorded a change at the same version first.", ex);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            throw new EvidenceUnavailableException(
                GateCodes.EvidenceUnavailable,
                $"The review queue tables in schema '{_schema}' are missing ({ex.MessageText}); run PostgreSqlReviewQueueSchema.MigrateAsync or give a DBA its GetMigrationScript, then try again.",
                ex);
        }
        catch (NpgsqlException ex)
        {
            if (ex is not PostgresException)
            {
                // The connection failed: idle pooled connections to the same server are likely dead too.
                _dataSource.Clear();
            }

            throw new EvidenceUnavailableException(
                GateCodes.EvidenceUnavailable,
                $"The review queue in schema '{_schema}' could not {operation}: {ex.Message}{outcome}.",
                ex);
        }
    }

    private void ThrowIfNotSynchronous(string setting, string what)
    {
        if (string.Equals(setting, "off", StringComparison.OrdinalIgnoreCase))
        {
            throw new EvidenceUnavailableException(
                GateCodes.EvidenceUnavailable,
                $"The session's synchronous_commit is 'off', so a commit could be acknowledged before it is durable and {what}. The review queue in schema '{_schema}' requires it on (or 'local', 'remote_write', 'remote_apply') for the application's role or database.");
        }
    }
}

namespace FailClosed.Gates.PostgreSql;

/// <summary>The statements of one review queue, built once for its (validated) schema name.</summary>
internal sealed class ReviewSql(string schema)
{
    /// <summary>
    /// Queues a ticket and its first event in one statement, unless the id is taken or the session's commits are not
    /// synchronous; returns how many events were inserted (0 or 1) and the session's synchronous_commit.
    /// </summary>
    public string Enqueue { get; } = $"""
        WITH added AS (
            INSERT INTO {schema}.review_tickets (id, action, state, version, created_at, expires_at)
            SELECT @id, @action, 'Pending', 0, @created, @expires
            WHERE current_setting('synchronous_commit') <> 'off'
            ON CONFLICT (id) DO NOTHING
            RETURNING id),
        recorded AS (
            INSERT INTO {schema}.review_events (ticket_id, version, event) SELECT id, 0, @event FROM added RETURNING 1)
        SELECT (SELECT count(*) FROM recorded)::integer, current_setting('synchronous_commit')
        """;

    /// <summary>
    /// The compare-and-set: moves a ticket from version <c>@version</c> to the next one and appends the event that did it,
    /// in one statement, only if the ticket is still at <c>@version</c> and the session's commits are synchronous.
    /// </summary>
    public string Apply { get; } = $"""
        WITH changed AS (
            UPDATE {schema}.review_tickets SET state = @state, version = @version + 1, changed_at = clock_timestamp()
            WHERE id = @id AND version = @version AND current_setting('synchronous_commit') <> 'off'
            RETURNING id),
        recorded AS (
            INSERT INTO {schema}.review_events (ticket_id, version, event) SELECT id, @version + 1, @event FROM changed RETURNING 1)
        SELECT (SELECT count(*) FROM recorded)::integer, current_setting('synchronous_commit')
        """;

    /// <summary>Reads one ticket's events in order.</summary>
    public string Events { get; } = $"SELECT event FROM {schema}.review_events WHERE ticket_id = @id ORDER BY version";

    /// <summary>Reads the events of the tickets in some states (all when <c>@states</c> is empty) and of one action (all when null), in queue order.</summary>
    public string List { get; } = $"""
        SELECT e.event FROM {schema}.review_tickets t JOIN {schema}.review_events e ON e.ticket_id = t.id
        WHERE (cardinality(@states) = 0 OR t.state = ANY(@states)) AND (@action::text IS NULL OR t.action = @action)
        ORDER BY t.seq, e.version
        """;
}

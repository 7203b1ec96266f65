using Npgsql;

namespace FailClosed.Gates.PostgreSql;

/// <summary>
/// The tables of a PostgreSQL review queue, the migration that creates them, and the grants an application role needs.
/// Nothing is created implicitly: run <see cref="MigrateAsync"/> (or give a DBA <see cref="GetMigrationScript"/>) before
/// using a <see cref="PostgreSqlReviewQueue"/>.
/// </summary>
/// <remarks>
/// A schema holds one queue: <c>&lt;schema&gt;.review_events</c>, the append-only history every ticket is rebuilt from
/// (one row per enqueue or change: the ticket id, the version it produced, the event as a canonical evidence entry), and
/// <c>&lt;schema&gt;.review_tickets</c>, one row per ticket with its state and version, which every change updates
/// with a compare-and-set. Triggers refuse <c>UPDATE</c>, <c>DELETE</c> and <c>TRUNCATE</c> on the history, and
/// <c>DELETE</c> and <c>TRUNCATE</c> on the tickets; an update of a ticket must raise its version by one, keep its
/// identity, and leave a final state (Executed, Rejected, Expired) alone. It can share a schema with an evidence trail.
/// Requires PostgreSQL 14 or later.
/// </remarks>
public static class PostgreSqlReviewQueueSchema
{
    /// <summary>Returns the idempotent migration script for <paramref name="schema"/>, to run as the owning role in one transaction.</summary>
    /// <param name="schema">The schema to create the queue in: lower-case letters, digits and '_', starting with a letter or '_', at most 63 characters.</param>
    /// <returns>The SQL text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schema"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a plain lower-case identifier.</exception>
    public static string GetMigrationScript(string schema = PostgreSqlEvidenceSchema.DefaultSchema)
    {
        PostgreSqlEvidenceSchema.ValidateIdentifier(schema, nameof(schema));
        return $$"""
            -- FailClosed.Gates.PostgreSql review queue, schema version 1. Idempotent: running it again changes nothing.
            -- Run it as the role that should own the tables (not the application's role), in one transaction.
            SELECT pg_advisory_xact_lock({{PostgreSqlEvidenceSchema.MigrationLockKey(schema)}});

            CREATE SCHEMA IF NOT EXISTS {{schema}};

            CREATE TABLE IF NOT EXISTS {{schema}}.review_tickets (
                id          text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
                seq         bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
                action      text        NOT NULL,
                state       text        NOT NULL CHECK (state IN ('Pending', 'Approved', 'Executed', 'Rejected', 'Expired')),
                version     integer     NOT NULL CHECK (version >= 0),
                created_at  timestamptz NOT NULL,
                expires_at  timestamptz NOT NULL,
                changed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
            );

            CREATE INDEX IF NOT EXISTS review_tickets_open ON {{schema}}.review_tickets (seq) WHERE state IN ('Pending', 'Approved');

            CREATE TABLE IF NOT EXISTS {{schema}}.review_events (
                ticket_id   text        NOT NULL REFERENCES {{schema}}.review_tickets (id),
                version     integer     NOT NULL CHECK (version >= 0),
                event       bytea       NOT NULL CHECK (octet_length(event) BETWEEN 1 AND 65536),
                recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (ticket_id, version)
            );

            CREATE OR REPLACE FUNCTION {{schema}}.reject_review_change() RETURNS trigger
            LANGUAGE plpgsql AS $fn$
            BEGIN
                RAISE EXCEPTION '% on %.% is refused: review history is append-only and tickets are never removed', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END
            $fn$;

            CREATE OR REPLACE FUNCTION {{schema}}.check_review_ticket_change() RETURNS trigger
            LANGUAGE plpgsql AS $fn$
            BEGIN
                IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq OR NEW.action <> OLD.action
                    OR NEW.created_at <> OLD.created_at OR NEW.expires_at <> OLD.expires_at THEN
                    RAISE EXCEPTION 'Ticket % keeps its id, action and times; the update is refused', OLD.id USING ERRCODE = 'check_violation';
                END IF;
                IF NEW.version <> OLD.version + 1 THEN
                    RAISE EXCEPTION 'Ticket % is at version %; an update must make it %, not %', OLD.id, OLD.version, OLD.version + 1, NEW.version
                        USING ERRCODE = 'check_violation';
                END IF;
                IF OLD.state IN ('Executed', 'Rejected', 'Expired') THEN
                    RAISE EXCEPTION 'Ticket % is %, a final state; the update is refused', OLD.id, OLD.state USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END
            $fn$;

            CREATE OR REPLACE TRIGGER review_events_append_only
                BEFORE UPDATE OR DELETE OR TRUNCATE ON {{schema}}.review_events
                FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.reject_review_change();

            CREATE OR REPLACE TRIGGER review_tickets_kept
                BEFORE DELETE OR TRUNCATE ON {{schema}}.review_tickets
                FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.reject_review_change();

            CREATE OR REPLACE TRIGGER review_tickets_change
                BEFORE UPDATE ON {{schema}}.review_tickets
                FOR EACH ROW EXECUTE FUNCTION {{schema}}.check_review_ticket_change();

            """;
    }

    /// <summary>Returns the grants that let <paramref name="role"/> use the queue in <paramref name="schema"/>, and nothing more.</summary>
    /// <param name="role">The application's role: lower-case letters, digits and '_'.</param>
    /// <param name="schema">The queue's schema.</param>
    /// <returns>The SQL text.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An argument is not a plain lower-case identifier.</exception>
    public static string GetGrantScript(string role, string schema = PostgreSqlEvidenceSchema.DefaultSchema)
    {
        PostgreSqlEvidenceSchema.ValidateIdentifier(role, nameof(role));
        PostgreSqlEvidenceSchema.ValidateIdentifier(schema, nameof(schema));
        return $"""
            -- The application's role reads, queues and changes tickets (state, version and change time only) and appends to
            -- their history; it can never delete. It must not own the tables: an owner can drop the triggers.
            GRANT USAGE ON SCHEMA {schema} TO {role};
            GRANT SELECT, INSERT ON {schema}.review_tickets, {schema}.review_events TO {role};
            GRANT UPDATE (state, version, changed_at) ON {schema}.review_tickets TO {role};

            """;
    }

    /// <summary>Runs <see cref="GetMigrationScript"/> in one transaction; concurrent calls (and evidence migrations of the same schema) wait for each other.</summary>
    /// <param name="dataSource">A data source connecting as the role that should own the tables.</param>
    /// <param name="schema">The schema to create the queue in.</param>
    /// <param name="cancellationToken">Cancels the migration; nothing is changed then.</param>
    /// <returns>A task that completes when the tables are in place.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a plain lower-case identifier.</exception>
    /// <exception cref="NpgsqlException">The server refused or the connection failed; nothing was changed.</exception>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema = PostgreSqlEvidenceSchema.DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await PostgreSqlEvidenceSchema.RunInTransactionAsync(dataSource, GetMigrationScript(schema), cancellationToken).ConfigureAwait(false);
    }
}

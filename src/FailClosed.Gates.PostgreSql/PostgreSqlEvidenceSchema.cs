using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace FailClosed.Gates.PostgreSql;

/// <summary>
/// The tables of a PostgreSQL evidence trail, the migration that creates them, and the grants an application role
/// needs. Nothing is created implicitly: run <see cref="MigrateAsync"/> (or give a DBA <see cref="GetMigrationScript"/>)
/// before opening a sink.
/// </summary>
/// <remarks>
/// A schema holds one trail: <c>&lt;schema&gt;.evidence</c> (one row per record: sequence, canonical entry bytes, leaf
/// hash, previous hash, recorded-at from <c>clock_timestamp()</c>) and <c>&lt;schema&gt;.evidence_checkpoints</c> (signed
/// checkpoints). Statement triggers reject every <c>UPDATE</c>, <c>DELETE</c> and <c>TRUNCATE</c> on both. Requires
/// PostgreSQL 14 or later.
/// </remarks>
public static partial class PostgreSqlEvidenceSchema
{
    /// <summary>The schema used when none is named.</summary>
    public const string DefaultSchema = "failclosed";

    /// <summary>Returns the idempotent migration script for <paramref name="schema"/>, to run as the owning role in one transaction.</summary>
    /// <param name="schema">The schema to create the trail in: lower-case letters, digits and '_', starting with a letter or '_', at most 63 characters.</param>
    /// <returns>The SQL text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="schema"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a plain lower-case identifier.</exception>
    public static string GetMigrationScript(string schema = DefaultSchema)
    {
        ValidateIdentifier(schema, nameof(schema));
        return $$"""
            -- FailClosed.Gates.PostgreSql evidence trail, schema version 1. Idempotent: running it again changes nothing.
            -- Run it as the role that should own the tables (not the application's role), in one transaction.
            SELECT pg_advisory_xact_lock({{MigrationLockKey(schema)}});

            CREATE SCHEMA IF NOT EXISTS {{schema}};

            CREATE TABLE IF NOT EXISTS {{schema}}.evidence (
                seq         bigint      PRIMARY KEY CHECK (seq >= 0),
                entry       bytea       NOT NULL CHECK (octet_length(entry) BETWEEN 1 AND 65536),
                leaf_hash   bytea       NOT NULL CHECK (octet_length(leaf_hash) = 32),
                prev_hash   bytea       NOT NULL CHECK (octet_length(prev_hash) = 32),
                recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );

            CREATE TABLE IF NOT EXISTS {{schema}}.evidence_checkpoints (
                tree_size   bigint      PRIMARY KEY CHECK (tree_size >= 0),
                root_hash   bytea       NOT NULL CHECK (octet_length(root_hash) = 32),
                note        text        NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );

            CREATE OR REPLACE FUNCTION {{schema}}.reject_evidence_change() RETURNS trigger
            LANGUAGE plpgsql AS $fn$
            BEGIN
                RAISE EXCEPTION '% on %.% is refused: the evidence trail is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END
            $fn$;

            CREATE OR REPLACE TRIGGER evidence_append_only
                BEFORE UPDATE OR DELETE OR TRUNCATE ON {{schema}}.evidence
                FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.reject_evidence_change();

            CREATE OR REPLACE TRIGGER evidence_checkpoints_append_only
                BEFORE UPDATE OR DELETE OR TRUNCATE ON {{schema}}.evidence_checkpoints
                FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.reject_evidence_change();

            """;
    }

    /// <summary>Returns the grants that let <paramref name="role"/> append to and read the trail in <paramref name="schema"/>, and nothing more.</summary>
    /// <param name="role">The application's role: lower-case letters, digits and '_'.</param>
    /// <param name="schema">The trail's schema.</param>
    /// <returns>The SQL text.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An argument is not a plain lower-case identifier.</exception>
    public static string GetGrantScript(string role, string schema = DefaultSchema)
    {
        ValidateIdentifier(role, nameof(role));
        ValidateIdentifier(schema, nameof(schema));
        return $"""
            -- The application's role reads and appends; it cannot update, delete or truncate (and the triggers refuse those
            -- even to the owner). It must not own the tables: an owner can drop the triggers.
            GRANT USAGE ON SCHEMA {schema} TO {role};
            GRANT SELECT, INSERT ON {schema}.evidence, {schema}.evidence_checkpoints TO {role};

            """;
    }

    /// <summary>Runs <see cref="GetMigrationScript"/> in one transaction; concurrent calls wait for each other.</summary>
    /// <param name="dataSource">A data source connecting as the role that should own the tables.</param>
    /// <param name="schema">The schema to create the trail in.</param>
    /// <param name="cancellationToken">Cancels the migration; nothing is changed then.</param>
    /// <returns>A task that completes when the schema is in place.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a plain lower-case identifier.</exception>
    /// <exception cref="NpgsqlException">The server refused or the connection failed; nothing was changed.</exception>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema = DefaultSchema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await RunInTransactionAsync(dataSource, GetMigrationScript(schema), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a migration script in one transaction: all of it or, when anything fails, none of it.</summary>
    internal static async Task RunInTransactionAsync(NpgsqlDataSource dataSource, string script, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var command = new NpgsqlCommand(script, connection, transaction);
                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Returns the advisory-lock key that serializes appends to the trail in <paramref name="schema"/>.</summary>
    internal static long AppendLockKey(string schema) => LockKey("FailClosed.Gates.PostgreSql/append/" + schema);

    internal static void ValidateIdentifier(string value, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (!IdentifierPattern().IsMatch(value))
        {
            throw new ArgumentException(
                $"The identifier '{value}' is not a plain lower-case PostgreSQL identifier: use 1 to 63 lower-case letters, digits and '_', starting with a letter or '_'.",
                parameterName);
        }
    }

    internal static long MigrationLockKey(string schema) => LockKey("FailClosed.Gates.PostgreSql/migrate/" + schema);

    private static long LockKey(string name) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}

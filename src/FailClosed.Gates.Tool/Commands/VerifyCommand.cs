using System.CommandLine;
using FailClosed.Gates.PostgreSql;
using Npgsql;

namespace FailClosed.Gates.Tool.Commands;

/// <summary>
/// <c>fcgate verify &lt;journal&gt; [--key name=key.pem]... [--checkpoint file]</c>, or
/// <c>fcgate verify --connection &lt;connection string&gt; [--schema name] [--key name=key.pem]...</c> for a PostgreSQL trail.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        Argument<string> journal = CommonSymbols.Journal();
        journal.Arity = ArgumentArity.ZeroOrOne;
        Option<string[]> keys = CommonSymbols.Keys("A key the checkpoint may be signed with, as name=key.pem (public or private PEM); repeat it to trust several, such as the keys before and after a rotation.");
        var checkpoint = new Option<string>("--checkpoint", "-c")
        {
            Description = "Check this checkpoint file instead of <journal>.checkpoint, such as an older one kept by an anchor or signed with a previous key; needs --key.",
            HelpName = "file",
        };
        Option<string> connection = CommonSymbols.Connection();
        Option<string> schema = CommonSymbols.Schema();
        var command = new Command("verify", "Check every frame (CRC-32C), the canonical encoding, sequence and hash chain, recompute the Merkle root, and check the signed checkpoint, of a journal file or (with --connection) a PostgreSQL trail. Exits 0 when valid, 1 when invalid.")
        {
            journal,
            keys,
            checkpoint,
            connection,
            schema,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            List<CheckpointKey> trusted = Input.Keys(parse.GetValue(keys));
            string? path = parse.GetValue(journal);
            string? connectionString = parse.GetValue(connection);
            string? checkpointFile = parse.GetValue(checkpoint);
            TextWriter output = parse.InvocationConfiguration.Output;
            EvidenceVerification result;
            if (connectionString is not null)
            {
                if (path is not null || checkpointFile is not null)
                {
                    throw new UsageException("give either a journal file or --connection, not both; --checkpoint applies to a journal file only");
                }

                result = await VerifyDatabaseAsync(connectionString, parse.GetValue(schema) ?? PostgreSqlEvidenceSchema.DefaultSchema, trusted, cancellationToken).ConfigureAwait(false);
            }
            else if (path is null)
            {
                throw new UsageException("give a journal file, or --connection for a PostgreSQL trail");
            }
            else if (parse.GetValue(schema) is not null)
            {
                throw new UsageException("--schema applies to a PostgreSQL trail (--connection) only");
            }
            else if (checkpointFile is not null)
            {
                if (trusted.Count == 0)
                {
                    throw new UsageException("--checkpoint needs at least one --key to check the checkpoint's signature");
                }

                result = EvidenceVerifier.Verify(Input.File(path, "journal"), Input.ReadText(checkpointFile, "checkpoint file"), trusted);
            }
            else
            {
                result = EvidenceVerifier.Verify(Input.File(path, "journal"), trusted);
            }

            output.WriteLine(result.ToString());
            if (result.IsValid && trusted.Count == 0)
            {
                output.WriteLine("warning: no --key given, so the checkpoint was not checked and a cut tail would go unnoticed");
            }

            return result.IsValid ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
    }

    private static async Task<EvidenceVerification> VerifyDatabaseAsync(string connectionString, string schema, List<CheckpointKey> trusted, CancellationToken cancellationToken)
    {
        NpgsqlDataSource dataSource = Input.DataSource(connectionString);
        await using (dataSource.ConfigureAwait(false))
        {
            try
            {
                return await PostgreSqlEvidenceTrail.VerifyAsync(dataSource, trusted, schema, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }
            catch (NpgsqlException ex)
            {
                // The message names the server's complaint; the connection string (and any password in it) is never printed.
                throw new InputException($"the PostgreSQL trail in schema '{schema}' cannot be read: {ex.Message}", ex);
            }
        }
    }
}

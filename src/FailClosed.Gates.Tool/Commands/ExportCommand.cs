using System.CommandLine;
using FailClosed.Gates.PostgreSql;
using Npgsql;

namespace FailClosed.Gates.Tool.Commands;

/// <summary><c>fcgate export --connection &lt;connection string&gt; [--schema name] &lt;journal&gt;</c>.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var journal = new Argument<string>("journal")
        {
            Description = "The journal file to create (it must not exist); the latest checkpoint goes to <journal>.checkpoint.",
        };
        Option<string> connection = CommonSymbols.Connection();
        connection.Required = true;
        Option<string> schema = CommonSymbols.Schema();
        var command = new Command("export", "Copy a PostgreSQL trail and its latest checkpoint into the journal file format, which verify, dump and prove read. Exits 0 when written.")
        {
            journal,
            connection,
            schema,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = parse.GetRequiredValue(journal);
            string name = parse.GetValue(schema) ?? PostgreSqlEvidenceSchema.DefaultSchema;
            NpgsqlDataSource dataSource = Input.DataSource(parse.GetRequiredValue(connection));
            await using (dataSource.ConfigureAwait(false))
            {
                long count;
                try
                {
                    count = await PostgreSqlEvidenceTrail.ExportAsync(dataSource, path, name, cancellationToken).ConfigureAwait(false);
                }
                catch (ArgumentException ex)
                {
                    throw new UsageException(ex.Message);
                }
                catch (NpgsqlException ex)
                {
                    throw new InputException($"the PostgreSQL trail in schema '{name}' cannot be read: {ex.Message}", ex);
                }

                parse.InvocationConfiguration.Output.WriteLine($"exported {count} records to '{path}'");
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}

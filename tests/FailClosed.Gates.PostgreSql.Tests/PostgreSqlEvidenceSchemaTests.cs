using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlEvidenceSchemaTests(PostgreSqlFixture db)
{
    [Fact]
    public async Task MigrateAsync_RunAgainAndConcurrently_ChangesNothing()
    {
        string schema = await db.NewSchemaAsync();
        await using (PostgreSqlEvidenceSink sink = await db.OpenAsync(schema))
        {
            await sink.AppendAsync(Records.Record(0));
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgreSqlEvidenceSchema.MigrateAsync(db.DataSource, schema)));

        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
        Assert.Equal(2L, await db.ScalarAsync<long>($"SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{schema}' AND NOT t.tgisinternal"));
    }

    [Theory]
    [InlineData("UPDATE {0}.evidence SET recorded_at = now()")]
    [InlineData("DELETE FROM {0}.evidence")]
    [InlineData("TRUNCATE {0}.evidence")]
    [InlineData("UPDATE {0}.evidence_checkpoints SET note = ''")]
    [InlineData("DELETE FROM {0}.evidence_checkpoints")]
    [InlineData("TRUNCATE {0}.evidence_checkpoints")]
    public async Task Triggers_ChangeOrRemoveRowsEvenAsSuperuser_Refused(string statement)
    {
        string schema = await db.NewSchemaAsync();
        await using (PostgreSqlEvidenceSink sink = await db.OpenAsync(schema))
        {
            await sink.AppendAsync(Records.Record(0));
        }

        PostgresException ex = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, statement, schema)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM {schema}.evidence"));
    }

    [Fact]
    public async Task GetGrantScript_ApplicationRole_AppendsAndReadsButCannotUpdate()
    {
        string schema = await db.NewSchemaAsync();
        string role = "app_" + schema;
        await db.ExecuteAsync($"CREATE ROLE {role} LOGIN");
        await db.ExecuteAsync(PostgreSqlEvidenceSchema.GetGrantScript(role, schema));
        await using NpgsqlDataSource appSource = db.Server.CreateDataSource(b => b.Username = role);

        await using (PostgreSqlEvidenceSink sink = await PostgreSqlEvidenceSink.OpenAsync(db.Options(schema, appSource)))
        {
            await sink.AppendAsync(Records.Record(0));
            await sink.AppendAsync(Records.Record(1));
        }

        EvidenceVerification verification = await PostgreSqlEvidenceTrail.VerifyAsync(appSource, [db.Key], schema);
        Assert.True(verification.IsValid, verification.ToString());
        await using NpgsqlCommand disableTrigger = appSource.CreateCommand($"ALTER TABLE {schema}.evidence DISABLE TRIGGER evidence_append_only");
        PostgresException ex = await Assert.ThrowsAsync<PostgresException>(() => disableTrigger.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public void DocsForDbas_MigrationAndGrants_AreWhatTheLibraryRuns()
    {
        string directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "FailClosed.Gates.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("The repository root was not found above the test assembly.");
        }

        string[] blocks = File.ReadAllText(Path.Combine(directory, "docs", "postgresql-schema.md"))
            .Split("```sql\n")
            .Skip(1)
            .Select(b => b[..b.IndexOf("\n```", StringComparison.Ordinal)])
            .ToArray();

        Assert.Equal(PostgreSqlEvidenceSchema.GetMigrationScript().TrimEnd(), blocks[0]);
        Assert.Equal(PostgreSqlEvidenceSchema.GetGrantScript("payments_app").TrimEnd(), blocks[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Public")]
    [InlineData("a;drop")]
    [InlineData("1abc")]
    [InlineData("\"x\"")]
    public void GetMigrationScript_NotAPlainIdentifier_Throws(string schema)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => PostgreSqlEvidenceSchema.GetMigrationScript(schema));
        Assert.Contains("identifier", ex.Message, StringComparison.Ordinal);
    }
}

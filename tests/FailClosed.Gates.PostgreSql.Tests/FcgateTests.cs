using FailClosed.Gates.Tool;

namespace FailClosed.Gates.PostgreSql.Tests;

[Collection(PostgreSqlCollection.Name)]
public sealed class FcgateTests(PostgreSqlFixture db) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fcgates-fcgate-").FullName;

    [Fact]
    public async Task Verify_ConnectionToAValidTrail_ExitsZero()
    {
        string schema = await TrailAsync(5);

        (int exit, string output, _) = await RunAsync("verify", "--connection", db.Server.ConnectionString, "--schema", schema, "--key", KeySpec());

        Assert.Equal(0, exit);
        Assert.StartsWith("OK: 5 records", output, StringComparison.Ordinal);
        Assert.Contains("checkpoint at 5 verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ConnectionToARewrittenTrail_ExitsOneNamingTheRecord()
    {
        string schema = await TrailAsync(5);
        await db.ExecuteAsync($"ALTER TABLE {schema}.evidence DISABLE TRIGGER evidence_append_only; UPDATE {schema}.evidence SET entry = convert_to(replace(convert_from(entry, 'UTF8'), 'corr-2', 'corr-9'), 'UTF8') WHERE seq = 2; ALTER TABLE {schema}.evidence ENABLE TRIGGER evidence_append_only");

        (int exit, string output, _) = await RunAsync("verify", "--connection", db.Server.ConnectionString, "--schema", schema, "--key", KeySpec());

        Assert.Equal(1, exit);
        Assert.StartsWith("BAD: record 2:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ThenVerifyTheFile_ExitsZeroWithTheSameRoot()
    {
        string schema = await TrailAsync(7);
        string path = Path.Combine(_directory, "trail.journal");

        (int exported, string exportOutput, _) = await RunAsync("export", "--connection", db.Server.ConnectionString, "--schema", schema, path);
        (int fromFile, string fileOutput, _) = await RunAsync("verify", path, "--key", KeySpec());
        (_, string dbOutput, _) = await RunAsync("verify", "--connection", db.Server.ConnectionString, "--schema", schema, "--key", KeySpec());

        Assert.Equal(0, exported);
        Assert.Contains("exported 7 records", exportOutput, StringComparison.Ordinal);
        Assert.Equal(0, fromFile);
        Assert.Equal(dbOutput, fileOutput);
    }

    [Fact]
    public async Task Verify_ServerUnreachable_ExitsThreeWithoutPrintingThePassword()
    {
        (int exit, string output, string error) = await RunAsync("verify", "--connection", "Host=127.0.0.1;Port=1;Username=app;Password=s3cret-value;Timeout=2", "--key", KeySpec());

        Assert.Equal(3, exit);
        Assert.Empty(output);
        Assert.DoesNotContain("s3cret-value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_JournalAndConnectionTogether_UsageError()
    {
        (int exit, _, string error) = await RunAsync("verify", "some.journal", "--connection", db.Server.ConnectionString);

        Assert.Equal(2, exit);
        Assert.Contains("not both", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> TrailAsync(int count)
    {
        string schema = await db.NewSchemaAsync();
        await using PostgreSqlEvidenceSink sink = await db.OpenAsync(schema);
        for (int i = 0; i < count; i++)
        {
            await sink.AppendAsync(Records.Record(i));
        }

        return schema;
    }

    private string KeySpec()
    {
        string path = Path.Combine(_directory, "key.pub.pem");
        File.WriteAllText(path, db.KeyPair.ExportSubjectPublicKeyInfoPem());
        return db.Key.Name + "=" + path;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Cli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}

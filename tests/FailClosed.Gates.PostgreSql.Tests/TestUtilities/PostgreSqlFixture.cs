using System.Security.Cryptography;
using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

/// <summary>One throwaway cluster for every PostgreSQL test; each test works in its own schema.</summary>
public sealed class PostgreSqlFixture : IDisposable
{
    public const string Origin = "test.example/payments";

    public PostgreSqlFixture()
    {
        Server = PostgreSqlServer.Start();
        DataSource = Server.CreateDataSource();
        KeyPair = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Key = new CheckpointKey("test.example/key", KeyPair);
    }

    public PostgreSqlServer Server { get; }

    public NpgsqlDataSource DataSource { get; }

    public ECDsa KeyPair { get; }

    public CheckpointKey Key { get; }

    /// <summary>Creates a fresh, migrated schema.</summary>
    public async Task<string> NewSchemaAsync()
    {
        string schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await PostgreSqlEvidenceSchema.MigrateAsync(DataSource, schema);
        return schema;
    }

    /// <summary>Creates a fresh schema with a migrated review queue.</summary>
    public async Task<string> NewReviewSchemaAsync()
    {
        string schema = "r_" + Guid.NewGuid().ToString("N")[..16];
        await PostgreSqlReviewQueueSchema.MigrateAsync(DataSource, schema);
        return schema;
    }

    public PostgreSqlEvidenceSinkOptions Options(string schema, NpgsqlDataSource? dataSource = null, TimeProvider? clock = null) => new()
    {
        DataSource = dataSource ?? DataSource,
        Schema = schema,
        Origin = Origin,
        SigningKey = Key,
        CheckpointInterval = Timeout.InfiniteTimeSpan,
        TimeProvider = clock ?? TimeProvider.System,
    };

    public Task<PostgreSqlEvidenceSink> OpenAsync(string schema) => PostgreSqlEvidenceSink.OpenAsync(Options(schema));

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlCommand command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using NpgsqlCommand command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        DataSource.Dispose();
        KeyPair.Dispose();
        Server.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlFixture>
{
    public const string Name = "PostgreSQL";
}

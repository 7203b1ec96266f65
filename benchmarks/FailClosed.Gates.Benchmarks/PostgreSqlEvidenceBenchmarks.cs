using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using FailClosed.Gates.PostgreSql;
using FailClosed.Gates.PostgreSql.Tests;
using Npgsql;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// Durable appends from 16 and 64 concurrent writers: the PostgreSQL sink (chained, one transaction and one multi-row
/// insert per batch) against a plain single-row INSERT per record (autocommit, no chain) on the same local server, and
/// the file journal's group commit, in the same run. The server is a throwaway cluster with fsync on
/// (or FCGATES_BENCH_PG, a connection string, to use another). Goal: at least 40,000 chained records per second.
/// </summary>
[MemoryDiagnoser]
public class PostgreSqlEvidenceBenchmarks
{
    private const int RecordsPerOperation = 1024;
    private const string Schema = "bench";

    /// <summary>The same record as the file journal benchmark's, so the two report side by side.</summary>
    private static readonly EvidenceRecord s_record = EvidenceJournalBenchmarks.Record;

    private static readonly byte[] s_entry = EvidenceEncoding.EncodeEntry(0, new byte[32], EvidenceEncoding.EncodeContent(s_record));

    private PostgreSqlServer? _server;
    private NpgsqlDataSource? _dataSource;
    private ECDsa? _key;
    private PostgreSqlEvidenceSink? _sink;
    private FileEvidenceJournal? _journal;
    private string _directory = string.Empty;
    private string _plainInsert = string.Empty;

    [Params(16, 64)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string? connection = Environment.GetEnvironmentVariable("FCGATES_BENCH_PG");
        if (string.IsNullOrEmpty(connection))
        {
            _server = PostgreSqlServer.Start(fsync: true);
            connection = _server.ConnectionString;
        }

        _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = 100 }.ConnectionString);
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string schema = Schema + "_" + Guid.NewGuid().ToString("N")[..8];
        PostgreSqlEvidenceSchema.MigrateAsync(_dataSource, schema).GetAwaiter().GetResult();
        using (NpgsqlCommand create = _dataSource.CreateCommand($"CREATE TABLE {schema}.plain (id bigserial PRIMARY KEY, entry bytea NOT NULL, recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())"))
        {
            create.ExecuteNonQuery();
        }

        _plainInsert = $"INSERT INTO {schema}.plain (entry) VALUES (@entry)";
        _sink = PostgreSqlEvidenceSink.OpenAsync(new PostgreSqlEvidenceSinkOptions
        {
            DataSource = _dataSource,
            Schema = schema,
            Origin = "bench.example/postgresql",
            SigningKey = new CheckpointKey("bench.example/key", _key),
            CheckpointEveryRecords = 100_000,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        }).GetAwaiter().GetResult();

        _directory = Path.Combine(Path.GetTempPath(), "fcgates-bench", Guid.NewGuid().ToString("N"));
        _journal = FileEvidenceJournal.Open(new FileEvidenceJournalOptions
        {
            Path = Path.Combine(_directory, "group-commit.journal"),
            Origin = "bench.example/journal",
            SigningKey = new CheckpointKey("bench.example/key", _key),
            CheckpointEveryRecords = 100_000,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sink?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _journal?.Dispose();
        _dataSource?.Dispose();
        _key?.Dispose();
        _server?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordsPerOperation)]
    public Task PlainInsertPerRecord() => RunAsync(static async (self, count) =>
    {
        await using NpgsqlConnection connection = await self._dataSource!.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(self._plainInsert, connection);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("entry", s_entry));
        for (int i = 0; i < count; i++)
        {
            await command.ExecuteNonQueryAsync();
        }
    });

    [Benchmark(OperationsPerInvoke = RecordsPerOperation)]
    public Task PostgreSqlChainedGroupCommit() => RunAsync(static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            await self._sink!.AppendAsync(s_record);
        }
    });

    [Benchmark(OperationsPerInvoke = RecordsPerOperation)]
    public Task FileJournalGroupCommit() => RunAsync(static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            await self._journal!.AppendAsync(s_record);
        }
    });

    private async Task RunAsync(Func<PostgreSqlEvidenceBenchmarks, int, Task> writer)
    {
        var writers = new Task[Writers];
        int each = RecordsPerOperation / Writers;
        for (int w = 0; w < writers.Length; w++)
        {
            writers[w] = Task.Run(() => writer(this, each));
        }

        await Task.WhenAll(writers);
    }
}

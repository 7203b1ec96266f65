using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// Durable appends to <see cref="FileEvidenceJournal"/> from 1, 16 and 64 concurrent writers: group commit (one
/// write and one flush per batch) against one write and one flush per record, in the same run.
/// Goal: group commit at least 10x the per-record baseline at 64 writers.
/// </summary>
[MemoryDiagnoser]
public class EvidenceJournalBenchmarks
{
    private const int RecordsPerOperation = 256;

    private static readonly EvidenceRecord s_record = new()
    {
        Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Action = "payments.release",
        Kind = EvidenceKind.Intent,
        Verdict = Verdict.Allow,
        Code = GateCodes.Allowed,
        Gate = "release",
        Pins = [new PolicyPin("limits", "3", new string('a', 64))],
        Subject = "payment-42",
        ExecutionId = "0f8fad5b-d9cb-469f-a165-70867728950e",
    };

    private string _directory = string.Empty;
    private ECDsa? _key;
    private FileEvidenceJournal? _perRecord;
    private FileEvidenceJournal? _groupCommit;

    [Params(1, 16, 64)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "fcgates-bench", Guid.NewGuid().ToString("N"));
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _perRecord = Open("per-record.journal", maxBatch: 1);
        _groupCommit = Open("group-commit.journal", maxBatch: 4096);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _perRecord?.Dispose();
        _groupCommit?.Dispose();
        _key?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordsPerOperation)]
    public Task PerRecordWriteAndFlush() => AppendAllAsync(_perRecord!);

    [Benchmark(OperationsPerInvoke = RecordsPerOperation)]
    public Task GroupCommit() => AppendAllAsync(_groupCommit!);

    private async Task AppendAllAsync(FileEvidenceJournal journal)
    {
        var writers = new Task[Writers];
        int each = RecordsPerOperation / Writers;
        for (int w = 0; w < writers.Length; w++)
        {
            writers[w] = AppendManyAsync(journal, each);
        }

        await Task.WhenAll(writers);
    }

    private static async Task AppendManyAsync(FileEvidenceJournal journal, int count)
    {
        await Task.Yield();
        for (int i = 0; i < count; i++)
        {
            await journal.AppendAsync(s_record);
        }
    }

    private FileEvidenceJournal Open(string name, int maxBatch) => FileEvidenceJournal.Open(new FileEvidenceJournalOptions
    {
        Path = Path.Combine(_directory, name),
        Origin = "bench.example/journal",
        SigningKey = new CheckpointKey("bench.example/key", _key!),
        CheckpointEveryRecords = 100_000,
        CheckpointInterval = Timeout.InfiniteTimeSpan,
        MaxBatchRecords = maxBatch,
    });
}

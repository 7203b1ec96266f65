using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// Durable appends to <see cref="FileEvidenceJournal"/> from 16, 64 and 256 concurrent writers, against a raw
/// group-commit writer (<see cref="RawGroupCommitWriter"/>: one channel, one write and one flush per batch, frames of
/// the same size, no hashing) as the baseline, and against the journal with batching off (one flush per record).
/// Goals: the journal at least 80 % of the raw writer's throughput (Ratio at most 1.25) at 16, 64 and 256 writers;
/// group commit at least 10x the per-record journal at 64 writers.
/// </summary>
/// <remarks>Each operation appends 8,192 records: shorter runs scatter widely on a shared disk.</remarks>
[MemoryDiagnoser]
public class EvidenceJournalBenchmarks
{
    private const int RecordsPerOperation = 8192;
    private const int MaxBatchRecords = 4096;

    /// <summary>The record every writer appends (also the PostgreSQL benchmark's).</summary>
    internal static readonly EvidenceRecord Record = new()
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
    private RawGroupCommitWriter? _raw;

    [Params(16, 64, 256)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "fcgates-bench", Guid.NewGuid().ToString("N"));
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _perRecord = Open("per-record.journal", maxBatch: 1);
        _groupCommit = Open("group-commit.journal", maxBatch: MaxBatchRecords);

        // A frame as large as the journal's for the same record, midway through the run.
        byte[] content = EvidenceEncoding.EncodeContent(Record);
        byte[] entry = EvidenceEncoding.EncodeEntry(RecordsPerOperation * 8L, new byte[EvidenceHashing.HashSize], content);
        _raw = new RawGroupCommitWriter(Path.Combine(_directory, "raw.frames"), JournalFrame.Create(entry), MaxBatchRecords);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _perRecord?.Dispose();
        _groupCommit?.Dispose();
        _raw?.Dispose();
        _key?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordsPerOperation)]
    public Task RawGroupCommit() => AppendAllRawAsync(_raw!);

    [Benchmark(OperationsPerInvoke = RecordsPerOperation)]
    public Task GroupCommit() => AppendAllAsync(_groupCommit!);

    [Benchmark(OperationsPerInvoke = RecordsPerOperation)]
    public Task PerRecordWriteAndFlush() => AppendAllAsync(_perRecord!);

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

    private async Task AppendAllRawAsync(RawGroupCommitWriter raw)
    {
        var writers = new Task[Writers];
        int each = RecordsPerOperation / Writers;
        for (int w = 0; w < writers.Length; w++)
        {
            writers[w] = AppendManyRawAsync(raw, each);
        }

        await Task.WhenAll(writers);
    }

    private static async Task AppendManyRawAsync(RawGroupCommitWriter raw, int count)
    {
        await Task.Yield();
        for (int i = 0; i < count; i++)
        {
            await raw.AppendAsync();
        }
    }

    private static async Task AppendManyAsync(FileEvidenceJournal journal, int count)
    {
        await Task.Yield();
        for (int i = 0; i < count; i++)
        {
            await journal.AppendAsync(Record);
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

using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// <see cref="EvidenceVerifier.Verify(string, IReadOnlyList{CheckpointKey})"/> over a whole journal, against a
/// hand-written pass that only reads the frames and checks their CRCs (the floor: I/O plus checksums).
/// </summary>
/// <remarks>
/// The goal is 1 M records in at most 2 s on a 2-core machine. Building a 1 M-record journal in every run
/// is slow, so the default is 100 000 records; set FCGATES_VERIFY_RECORDS=1000000 to measure the goal itself.
/// </remarks>
[MemoryDiagnoser]
public class EvidenceVerifyBenchmarks
{
    private string _directory = string.Empty;
    private string _path = string.Empty;
    private CheckpointKey? _key;

    public static IEnumerable<int> RecordCounts() =>
        [int.TryParse(Environment.GetEnvironmentVariable("FCGATES_VERIFY_RECORDS"), out int n) && n > 0 ? n : 100_000];

    [ParamsSource(nameof(RecordCounts))]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "fcgates-bench", Guid.NewGuid().ToString("N"));
        _path = Path.Combine(_directory, "verify.journal");
        _key = new CheckpointKey("bench.example/key", ECDsa.Create(ECCurve.NamedCurves.nistP256));
        using (FileEvidenceJournal journal = FileEvidenceJournal.Open(new FileEvidenceJournalOptions
        {
            Path = _path,
            Origin = "bench.example/journal",
            SigningKey = _key,
            CheckpointEveryRecords = int.MaxValue,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        }))
        {
            const int writers = 64;
            var tasks = new Task[writers];
            for (int w = 0; w < writers; w++)
            {
                int writer = w;
                tasks[w] = Task.Run(async () =>
                {
                    for (int i = writer; i < Records; i += writers)
                    {
                        await journal.AppendAsync(new EvidenceRecord
                        {
                            Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(i),
                            Action = "payments.release",
                            Kind = EvidenceKind.Intent,
                            Verdict = Verdict.Allow,
                            Code = GateCodes.Allowed,
                            Gate = "release",
                            Pins = [new PolicyPin("limits", "3", new string('a', 64))],
                            Subject = "payment-" + i,
                            ExecutionId = Guid.NewGuid().ToString(),
                        });
                    }
                });
            }

            Task.WaitAll(tasks);
        }

        if (!EvidenceVerifier.Verify(_path, [_key]).IsValid)
        {
            throw new InvalidOperationException("The benchmark journal does not verify.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _key?.Key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public long ReadFramesAndCrcOnly()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        Span<byte> header = stackalloc byte[12];
        byte[] entry = new byte[64 * 1024];
        long count = 0;
        while (stream.Read(header) == 12)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            stream.ReadExactly(entry, 0, length);
            if (Crc32(header[4..8], entry.AsSpan(0, length)) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..]))
            {
                throw new InvalidOperationException("Bad CRC.");
            }

            count++;
        }

        return count;
    }

    [Benchmark]
    public long VerifyJournal() => EvidenceVerifier.Verify(_path, [_key!]).TreeSize;

    private static uint Crc32(ReadOnlySpan<byte> length, ReadOnlySpan<byte> entry)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in length)
        {
            crc = System.Numerics.BitOperations.Crc32C(crc, b);
        }

        while (entry.Length >= 8)
        {
            crc = System.Numerics.BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(entry));
            entry = entry[8..];
        }

        foreach (byte b in entry)
        {
            crc = System.Numerics.BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}

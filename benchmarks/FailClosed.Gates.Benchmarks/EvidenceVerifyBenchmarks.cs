using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// Reading a whole journal back: <see cref="EvidenceVerifier.Verify(string, IReadOnlyList{CheckpointKey})"/> and
/// <see cref="FileEvidenceJournal.Open"/> (the recovery scan, then the opening checkpoint), against the single-core
/// floor of their hashing — one SHA-256 per leaf over its entry and one per interior node of the Merkle tree, on one
/// thread — and a pass that only reads the frames and checks their CRCs (I/O plus checksums).
/// </summary>
/// <remarks>
/// Goals on a 2-core machine: verify at most 0.9x the hashing floor (hashing on both cores, little else), open within
/// 1.2x of verify, verify of 1 M records at most 16 MB allocated. The default is the goal's 1,000,000 records; set
/// FCGATES_VERIFY_RECORDS to a small number (CI's dry run uses 10,000) to prove the benchmark runs quickly.
/// </remarks>
[MemoryDiagnoser]
public class EvidenceVerifyBenchmarks
{
    private const string Origin = "bench.example/journal";

    private string _directory = string.Empty;
    private string _path = string.Empty;
    private CheckpointKey? _key;
    private FileEvidenceJournalOptions? _options;

    public static IEnumerable<int> RecordCounts() =>
        [int.TryParse(Environment.GetEnvironmentVariable("FCGATES_VERIFY_RECORDS"), out int n) && n > 0 ? n : 1_000_000];

    [ParamsSource(nameof(RecordCounts))]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "fcgates-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "verify.journal");
        _key = new CheckpointKey("bench.example/key", ECDsa.Create(ECCurve.NamedCurves.nistP256));
        _options = new FileEvidenceJournalOptions
        {
            Path = _path,
            Origin = Origin,
            SigningKey = _key,
            CheckpointEveryRecords = int.MaxValue,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        };

        // The frames a journal writes, written straight to the file: a million appends with flushes take minutes.
        using (var log = new EvidenceLog())
        using (var file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> leaf = stackalloc byte[EvidenceHashing.HashSize];
            byte[] entry = new byte[64 * 1024];
            for (int i = 0; i < Records; i++)
            {
                byte[] content = EvidenceEncoding.EncodeContent(new EvidenceRecord
                {
                    Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(i),
                    Action = "payments.release",
                    Kind = EvidenceKind.Intent,
                    Verdict = Verdict.Allow,
                    Code = GateCodes.Allowed,
                    Gate = "release",
                    Pins = [new PolicyPin("limits", "3", new string('a', 64))],
                    Subject = "payment-" + i,
                    ExecutionId = Guid.CreateVersion7().ToString(),
                });
                int length = log.Append(content, entry.AsSpan(JournalFrame.HeaderSize), leaf);
                JournalFrame.WriteHeader(entry.AsSpan(JournalFrame.HeaderSize, length), entry);
                file.Write(entry, 0, JournalFrame.HeaderSize + length);
            }

            file.Flush(flushToDisk: true);
            File.WriteAllText(_path + ".checkpoint", CheckpointNote.Sign(Origin, log.Size, log.Root(), _key).Note);
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

    /// <summary>One SHA-256 per leaf and one per interior node, on one thread: what verify must hash.</summary>
    [Benchmark(Baseline = true)]
    public long HashingFloorSingleCore()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var tree = new MerkleFrontier();
        Span<byte> header = stackalloc byte[JournalFrame.HeaderSize];
        Span<byte> leaf = stackalloc byte[EvidenceHashing.HashSize];
        byte[] entry = new byte[64 * 1024];
        while (stream.Read(header) == JournalFrame.HeaderSize)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            stream.ReadExactly(entry, 0, length);
            EvidenceHashing.LeafHash(sha256, entry.AsSpan(0, length), leaf);
            tree.Append(leaf);
        }

        return tree.Root()[0] + tree.Size;
    }

    /// <summary>Reads the frames and checks their CRCs only: the I/O and checksum floor.</summary>
    [Benchmark]
    public long ReadFramesAndCrcOnly()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        Span<byte> header = stackalloc byte[JournalFrame.HeaderSize];
        byte[] entry = new byte[64 * 1024];
        long count = 0;
        while (stream.Read(header) == JournalFrame.HeaderSize)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            stream.ReadExactly(entry, 0, length);
            if (JournalFrame.Checksum(entry.AsSpan(0, length)) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..]))
            {
                throw new InvalidOperationException("Bad CRC.");
            }

            count++;
        }

        return count;
    }

    [Benchmark]
    public long VerifyJournal() => EvidenceVerifier.Verify(_path, [_key!]).TreeSize;

    /// <summary>Opens the journal: lock, the recovery scan of every record, the opening checkpoint; then closes it.</summary>
    [Benchmark]
    public long OpenJournal()
    {
        using FileEvidenceJournal journal = FileEvidenceJournal.Open(_options!);
        return journal.Count;
    }
}

using System.Security.Cryptography;

namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>Keys, options and readers for journal tests.</summary>
public static class JournalTesting
{
    public const string Origin = "audit.example.test/payments";

    /// <summary>One key for the whole test run: generating keys is slow and the tests do not need fresh ones.</summary>
    public static readonly CheckpointKey Key = new("audit.example.test/key1", ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static readonly CheckpointKey OtherKey = new("audit.example.test/key2", ECDsa.Create(ECCurve.NamedCurves.nistP256));

    internal static FileEvidenceJournalOptions Options(
        string path,
        int checkpointEvery = 1024,
        TimeProvider? time = null,
        ICheckpointAnchor? anchor = null,
        Func<IJournalStorage, IJournalStorage>? wrap = null,
        CheckpointKey? key = null,
        string origin = Origin,
        IReadOnlyList<CheckpointKey>? previousKeys = null) => new()
        {
            Path = path,
            Origin = origin,
            SigningKey = key ?? Key,
            PreviousKeys = previousKeys ?? [],
            CheckpointEveryRecords = checkpointEvery,
            CheckpointInterval = time is null ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(10),
            TimeProvider = time ?? new ManualTimeProvider(),
            Anchor = anchor,
            StorageWrapper = wrap,
        };

    /// <summary>Reads every intact record of a journal file, in order.</summary>
    internal static List<EvidenceRecord> ReadRecords(string path)
    {
        var records = new List<EvidenceRecord>();
        using IJournalStorage storage = EvidenceVerifier.OpenRead(path);
        using JournalScan scan = JournalScanner.Scan(storage, -1, keepLeaves: false, records.Add);
        return records;
    }
}

using System.Globalization;

namespace FailClosed.Gates;

/// <summary>Reading a journal's records back.</summary>
public sealed partial class FileEvidenceJournal
{
    /// <summary>
    /// Reads every complete record of a journal file, in sequence order, checking each frame's CRC, canonical
    /// encoding and hash chain on the way. Reading is not verification: to prove nothing was cut from the end, check
    /// the signed checkpoint with <see cref="EvidenceVerifier.Verify(string, IReadOnlyList{CheckpointKey})"/>.
    /// </summary>
    /// <param name="path">The journal file. It may be open for appending elsewhere; reading never blocks the writer.</param>
    /// <returns>The records; a torn final frame (a record never acknowledged) is not among them.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="EvidenceUnavailableException">A record before the end is damaged or out of chain; its
    /// <see cref="EvidenceUnavailableException.Code"/> is <see cref="GateCodes.EvidenceTampered"/> and the message
    /// names the record.</exception>
    public static IReadOnlyList<EvidenceRecord> ReadRecords(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var records = new List<EvidenceRecord>();
        using IJournalStorage storage = EvidenceVerifier.OpenRead(path);
        using JournalScan scan = JournalScanner.Scan(storage, -1, keepLeaves: false, records.Add);
        if (scan.Defect is { IsTornTail: false } defect)
        {
            throw new EvidenceUnavailableException(
                GateCodes.EvidenceTampered,
                string.Create(CultureInfo.InvariantCulture, $"The journal '{path}' has a bad record {defect.Index} at byte {defect.Offset}: {defect.Reason}."));
        }

        return records;
    }
}

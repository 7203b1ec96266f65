using System.Globalization;
using System.Runtime.CompilerServices;

namespace FailClosed.Gates;

/// <summary>Reading a journal's records back.</summary>
public sealed partial class FileEvidenceJournal
{
    /// <summary>
    /// Reads every complete record of a journal file, in sequence order, checking each frame's CRC, canonical
    /// encoding and hash chain on the way. Reading is not verification: to prove nothing was cut from the end, check
    /// the signed checkpoint with <see cref="EvidenceVerifier.Verify(string, IReadOnlyList{CheckpointKey})"/>.
    /// </summary>
    /// <remarks>Holds every record in memory; <see cref="ReadRecordsAsync"/> streams them with the same checks.</remarks>
    /// <param name="path">The journal file. It may be open for appending elsewhere; reading never blocks the writer.</param>
    /// <returns>The records; a torn final frame (a record never acknowledged) is not among them.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read, or is a directory.</exception>
    /// <exception cref="EvidenceUnavailableException">A record before the end is damaged or out of chain; its
    /// <see cref="EvidenceUnavailableException.Code"/> is <see cref="GateCodes.EvidenceTampered"/> and the message
    /// names the record.</exception>
    public static IReadOnlyList<EvidenceRecord> ReadRecords(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var records = new List<EvidenceRecord>();
        using IJournalStorage storage = EvidenceVerifier.OpenRead(path);
        using JournalScanner scanner = JournalScanner.Start(storage, -1, keepLeaves: false, decode: true);
        while (scanner.Step(records.Add))
        {
        }

        ThrowIfBad(path, scanner.Finish());
        return records;
    }

    /// <summary>
    /// Streams every complete record of a journal file, in sequence order, with the checks of
    /// <see cref="ReadRecords"/>. Memory stays bounded: the file is read a window (1 MiB) at a time, asynchronously.
    /// </summary>
    /// <param name="path">The journal file. It may be open for appending elsewhere; reading never blocks the writer.</param>
    /// <param name="cancellationToken">Stops the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// The records. Every record yielded passed its checks; a damaged or out-of-chain record throws when the
    /// enumeration reaches it, after the good records before it were yielded. A torn final frame ends the sequence.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file could not be read (thrown by the enumeration).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read, or is a directory (thrown by the enumeration).</exception>
    /// <exception cref="EvidenceUnavailableException">A record before the end is damaged or out of chain (thrown by the
    /// enumeration at that record); its <see cref="EvidenceUnavailableException.Code"/> is
    /// <see cref="GateCodes.EvidenceTampered"/> and the message names the record.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static IAsyncEnumerable<EvidenceRecord> ReadRecordsAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return StreamRecordsAsync(path, cancellationToken);
    }

    private static async IAsyncEnumerable<EvidenceRecord> StreamRecordsAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using IJournalStorage storage = EvidenceVerifier.OpenRead(path);
        using JournalScanner scanner = JournalScanner.Start(storage, -1, keepLeaves: false, decode: true);
        var batch = new List<EvidenceRecord>();
        bool more;
        do
        {
            await scanner.PrefetchAsync(cancellationToken).ConfigureAwait(false);
            batch.Clear();
            more = scanner.Step(batch.Add);
            foreach (EvidenceRecord record in batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return record;
            }
        }
        while (more);

        ThrowIfBad(path, scanner.Finish());
    }

    private static void ThrowIfBad(string path, JournalScan scan)
    {
        if (scan.Defect is { IsTornTail: false } defect)
        {
            throw new EvidenceUnavailableException(
                GateCodes.EvidenceTampered,
                string.Create(CultureInfo.InvariantCulture, $"The journal '{path}' has a bad record {defect.Index} at byte {defect.Offset}: {defect.Reason}."));
        }
    }
}

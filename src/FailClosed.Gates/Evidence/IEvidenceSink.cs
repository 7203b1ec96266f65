namespace FailClosed.Gates;

/// <summary>An append-only, tamper-evident store of <see cref="EvidenceRecord"/>s.</summary>
public interface IEvidenceSink
{
    /// <summary>
    /// Appends a record and completes only once it is durable. Throws when it cannot be made durable; the
    /// caller then must not run the side effect the record announces.
    /// </summary>
    /// <param name="record">The record; the sink assigns its sequence and hashes.</param>
    /// <param name="cancellationToken">Cancels waiting; a canceled append may or may not have been written.</param>
    /// <returns>The receipt of the durable record.</returns>
    ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default);
}

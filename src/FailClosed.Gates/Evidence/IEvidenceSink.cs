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
    /// <exception cref="ArgumentException">The record is invalid or encodes to more than 64 KiB; nothing was written.</exception>
    /// <exception cref="EvidenceUnavailableException">
    /// The record could not be made durable (<see cref="EvidenceUnavailableException.Code"/> is
    /// <see cref="GateCodes.EvidenceUnavailable"/>) or the store failed its tamper-evidence checks
    /// (<see cref="GateCodes.EvidenceTampered"/>). Block the action with that code.
    /// </exception>
    ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default);
}

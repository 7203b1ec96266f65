namespace FailClosed.Gates.Samples.InvoiceApproval;

/// <summary>
/// Stands in for a journal whose disk has filled up: every append fails as the file system would report it.
/// </summary>
internal sealed class DiskFullEvidenceSink : IEvidenceSink
{
    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default) =>
        ValueTask.FromException<EvidenceReceipt>(new IOException("No space left on device."));
}

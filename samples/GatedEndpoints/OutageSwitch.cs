namespace FailClosed.Gates.Samples.GatedEndpoints;

/// <summary>An evidence sink whose disk can be made to fail, to show what an evidence outage does to a request.</summary>
internal sealed class OutageSwitch(IEvidenceSink inner) : IEvidenceSink
{
    public bool DiskFull { get; set; }

    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default) =>
        DiskFull
            ? ValueTask.FromException<EvidenceReceipt>(new IOException("No space left on the evidence volume."))
            : inner.AppendAsync(record, cancellationToken);
}

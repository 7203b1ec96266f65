namespace FailClosed.Gates.Benchmarks;

/// <summary>An evidence sink that acknowledges every record at once and keeps nothing: isolates the executor's own cost.</summary>
internal sealed class NoOpEvidenceSink : IEvidenceSink
{
    private static readonly EvidenceReceipt Receipt = new(0, new string('0', 64), 1);

    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default) =>
        new(Receipt);
}

namespace FailClosed.Gates.AspNetCore.Tests.TestUtilities;

/// <summary>An in-memory sink that can be told to fail every append, as an evidence outage does.</summary>
internal sealed class SwitchableEvidenceSink : IEvidenceSink
{
    private readonly InMemoryEvidenceSink _inner = new();

    /// <summary>Gets or sets a value indicating whether every append throws.</summary>
    public bool Failing { get; set; }

    /// <summary>Gets the stored records, in order.</summary>
    public IReadOnlyList<EvidenceRecord> Records => _inner.GetRecords();

    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default) =>
        Failing
            ? ValueTask.FromException<EvidenceReceipt>(new IOException("The evidence disk is full."))
            : _inner.AppendAsync(record, cancellationToken);
}

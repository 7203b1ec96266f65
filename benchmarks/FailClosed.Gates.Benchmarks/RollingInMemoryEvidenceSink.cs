namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// The library's <see cref="InMemoryEvidenceSink"/>, replaced by a fresh one every 10,000 appends so that millions of
/// benchmark invocations do not keep millions of records alive. The replacement's cost is amortized into the numbers.
/// </summary>
internal sealed class RollingInMemoryEvidenceSink : IEvidenceSink
{
    private const int RecordsPerSink = 10_000;

    private InMemoryEvidenceSink _sink = new();
    private int _appended;

    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default)
    {
        if (++_appended == RecordsPerSink)
        {
            _appended = 0;
            _sink = new InMemoryEvidenceSink();
        }

        return _sink.AppendAsync(record, cancellationToken);
    }
}

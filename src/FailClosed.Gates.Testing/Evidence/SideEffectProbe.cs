namespace FailClosed.Gates.Testing;

/// <summary>A side effect that counts its runs and, when told to, throws.</summary>
internal sealed class SideEffectProbe
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    public Exception? ThrowOnRun { get; set; }

    /// <summary>Gets what the sink had stored when the side effect started, for order checks.</summary>
    public IReadOnlyList<EvidenceRecord>? StoredAtStart { get; private set; }

    public ScriptedEvidenceSink? Sink { get; set; }

    public CancellationToken Token { get; private set; }

    public ValueTask<int> RunAsync(int value, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        StoredAtStart = Sink?.Records;
        Token = cancellationToken;
        return ThrowOnRun is { } exception ? ValueTask.FromException<int>(exception) : new ValueTask<int>(value * 2);
    }
}

namespace FailClosed.Gates.Samples.HostedGates;

/// <summary>
/// Stands in for the transparency log every checkpoint is published to. When it is unreachable the journal cannot
/// publish its checkpoint, faults, and every guarded action blocks until an operator recovers the journal.
/// </summary>
internal sealed class DemoTransparencyLog : ICheckpointAnchor
{
    public bool Unreachable { get; set; }

    public ValueTask PublishAsync(EvidenceCheckpoint checkpoint, CancellationToken cancellationToken) =>
        Unreachable
            ? ValueTask.FromException(new IOException("The transparency log is unreachable."))
            : ValueTask.CompletedTask;
}

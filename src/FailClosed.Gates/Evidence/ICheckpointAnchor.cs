namespace FailClosed.Gates;

/// <summary>
/// Publishes each checkpoint somewhere the journal's host cannot rewrite (a witness, a transparency log, another
/// machine), so that truncating the journal and its checkpoint file together is still detected.
/// </summary>
/// <remarks>
/// Called on the journal's writer loop, which waits for it (appends queue meanwhile), and once synchronously from
/// <see cref="FileEvidenceJournal.Open"/>: do not depend on a synchronization context.
/// </remarks>
public interface ICheckpointAnchor
{
    /// <summary>Publishes a checkpoint. A failure faults the journal: every later append is refused.</summary>
    /// <param name="checkpoint">The checkpoint just written.</param>
    /// <param name="cancellationToken">Canceled when the journal is closing.</param>
    /// <returns>A task that completes when the checkpoint is published.</returns>
    ValueTask PublishAsync(EvidenceCheckpoint checkpoint, CancellationToken cancellationToken);
}

namespace FailClosed.Gates.Extensions.Tests.TestUtilities;

/// <summary>
/// A checkpoint anchor (a transparency log, say) that can be made unreachable: a checkpoint it refuses faults the
/// journal, as a real outage of the anchor would.
/// </summary>
public sealed class SwitchableAnchor : ICheckpointAnchor
{
    private readonly TaskCompletionSource _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Unreachable { get; set; }

    /// <summary>Completes when the anchor has refused a checkpoint.</summary>
    public Task Refused => _refused.Task;

    public ValueTask PublishAsync(EvidenceCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (Unreachable)
        {
            _refused.TrySetResult();
            throw new IOException("The anchor is unreachable.");
        }

        return ValueTask.CompletedTask;
    }
}

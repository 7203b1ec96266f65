namespace FailClosed.Gates;

/// <summary>An append waiting for the writer loop; completes once its batch is flushed.</summary>
internal sealed class PendingAppend(byte[]? content) : TaskCompletionSource<EvidenceReceipt>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    /// <summary>A request to write a checkpoint (from the timer), not a record.</summary>
    public static readonly PendingAppend CheckpointRequest = new(null);

    /// <summary>Gets the encoded content, or null for <see cref="CheckpointRequest"/>.</summary>
    public byte[]? Content { get; } = content;

    /// <summary>Gets or sets the sequence assigned by the writer loop.</summary>
    public long Sequence { get; set; }

    /// <summary>Gets the leaf hash computed by the writer loop.</summary>
    public byte[] LeafHash { get; } = content is null ? [] : new byte[EvidenceHashing.HashSize];
}

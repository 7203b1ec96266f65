using System.Buffers;

namespace FailClosed.Gates;

/// <summary>An append waiting for the writer loop; completes once its batch is flushed.</summary>
/// <remarks>
/// The file journal's content lives in a pooled array (<see cref="Pooled"/>); its writer gives
/// it back as soon as the entry is built from it (<see cref="ReleaseContent"/>), and an append that fails before that
/// leaves it to the collector. The PostgreSQL sink may encode a batch again after a commit of unknown outcome, so it
/// keeps its content (<see cref="Owning"/>).
/// </remarks>
internal sealed class PendingAppend : TaskCompletionSource<EvidenceReceipt>
{
    /// <summary>A request to write a checkpoint (from the timer), not a record.</summary>
    public static readonly PendingAppend CheckpointRequest = new(null, 0, pool: null);

    // The shared pool keeps a few arrays of a size per core, but a journal holds one for every append queued: with
    // hundreds of writers it would miss, and allocate an array rounded up to the next power of two. Content of usual
    // size comes from a pool kept for that; larger content from the shared pool.
    private const int SmallContent = 1024;
    private static readonly ArrayPool<byte> s_smallContentPool = ArrayPool<byte>.Create(SmallContent, maxArraysPerBucket: 1024);

    private readonly int _contentLength;
    private readonly ArrayPool<byte>? _pool;
    private byte[]? _content;
    private HashBytes _leafHash;

    private PendingAppend(byte[]? content, int contentLength, ArrayPool<byte>? pool)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _content = content;
        _contentLength = contentLength;
        _pool = pool;
    }

    /// <summary>Gets whether this is <see cref="CheckpointRequest"/>, not a record.</summary>
    public bool IsCheckpointRequest => ReferenceEquals(this, CheckpointRequest);

    /// <summary>Gets the encoded content; empty once released.</summary>
    public ReadOnlySpan<byte> Content => _content.AsSpan(0, _content is null ? 0 : _contentLength);

    /// <summary>Gets the length of the encoded content.</summary>
    public int ContentLength => _contentLength;

    /// <summary>Gets or sets the sequence assigned by the writer loop.</summary>
    public long Sequence { get; set; }

    /// <summary>Gets the leaf hash the writer loop computes.</summary>
    public Span<byte> LeafHash => _leafHash;

    /// <summary>Returns an append whose content is a pooled copy of <paramref name="content"/>.</summary>
    public static PendingAppend Pooled(ReadOnlySpan<byte> content)
    {
        ArrayPool<byte> pool = content.Length <= SmallContent ? s_smallContentPool : ArrayPool<byte>.Shared;
        byte[] rented = pool.Rent(content.Length);
        content.CopyTo(rented);
        return new PendingAppend(rented, content.Length, pool);
    }

    /// <summary>Returns an append that keeps <paramref name="content"/> for as long as it lives.</summary>
    public static PendingAppend Owning(byte[] content) => new(content, content.Length, pool: null);

    /// <summary>
    /// Gives pooled content back to the pool; call once the entry is built from it, and never read
    /// <see cref="Content"/> after. Does nothing for content the append owns.
    /// </summary>
    public void ReleaseContent()
    {
        if (_pool is { } pool && _content is { } content)
        {
            _content = null;
            pool.Return(content);
        }
    }
}

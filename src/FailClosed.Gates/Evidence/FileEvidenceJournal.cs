using System.Threading.Channels;

namespace FailClosed.Gates;

/// <summary>
/// The embedded evidence sink: an append-only file of CRC-framed, hash-chained records with group commit, crash
/// recovery of a torn tail, and signed checkpoints of its RFC 6962 Merkle root. The format is in
/// docs/journal-format.md.
/// </summary>
/// <remarks>
/// <para>
/// One writer loop takes every queued append, writes the batch with one write and one
/// <see cref="RandomAccess.FlushToDisk"/>, and only then completes the batch's appends. Any write, flush,
/// checkpoint or anchor error faults the journal: the flush is never retried and every later append throws
/// <see cref="EvidenceUnavailableException"/> with <see cref="GateCodes.EvidenceUnavailable"/>. Reopening runs
/// recovery.
/// </para>
/// <para>Thread-safe. One instance per file: a second one, in this process or another, is refused.</para>
/// </remarks>
public sealed partial class FileEvidenceJournal : IEvidenceSink, IAsyncDisposable, IDisposable
{
    private readonly FileEvidenceJournalOptions _options;
    private readonly string _path;
    private readonly FileStream _lock;
    private readonly IJournalStorage _storage;
    private readonly EvidenceLog _log;
    private readonly Channel<PendingAppend> _channel;
    private ITimer? _timer;
    private Task _writer = Task.CompletedTask;
    private long _fileLength;
    private long _durableCount;
    private long _checkpointedSize = -1;
    private EvidenceCheckpoint? _lastCheckpoint;
    private Exception? _fault;
    private int _disposed;

    /// <summary>Gets the full path of the journal file.</summary>
    public string Path => _path;

    /// <summary>Gets the number of durable records.</summary>
    public long Count => Volatile.Read(ref _durableCount);

    /// <summary>Gets the number of records the writer has encoded and chained, durable or not (for tests; racy).</summary>
    internal long PreparedCount => _log.Size;

    /// <summary>Gets whether a write, flush, checkpoint or anchor error has faulted the journal.</summary>
    public bool IsFaulted => Volatile.Read(ref _fault) is not null;

    /// <summary>Gets the last checkpoint written.</summary>
    public EvidenceCheckpoint? LastCheckpoint => Volatile.Read(ref _lastCheckpoint);

    /// <summary>Appends a record and completes once it is flushed to disk.</summary>
    /// <param name="record">The record; the journal assigns its sequence and hashes.</param>
    /// <param name="cancellationToken">Cancels waiting; a canceled append may or may not have been written.</param>
    /// <returns>The receipt of the durable record.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">The record is invalid or encodes to more than 64 KiB; nothing was written.</exception>
    /// <exception cref="EvidenceUnavailableException">The journal is faulted or closed, or the write or flush failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled while waiting.</exception>
    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default)
    {
        PendingAppend pending;
        using (EvidenceEncoding.EncodedContent encoded = EvidenceEncoding.Encode(record))
        {
            if (Volatile.Read(ref _fault) is { } fault)
            {
                throw Faulted(fault);
            }

            pending = PendingAppend.Pooled(encoded.Content);
        }

        if (Volatile.Read(ref _disposed) != 0 || !_channel.Writer.TryWrite(pending))
        {
            throw Closed();
        }

        return cancellationToken.CanBeCanceled
            ? new ValueTask<EvidenceReceipt>(pending.Task.WaitAsync(cancellationToken))
            : new ValueTask<EvidenceReceipt>(pending.Task);
    }

    /// <summary>Drains queued appends, writes a final checkpoint unless faulted, and releases the file and its lock.</summary>
    /// <returns>A task that completes when the journal is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        _channel.Writer.TryComplete();
        try
        {
            await _writer.ConfigureAwait(false);
        }
        finally
        {
            _storage.Dispose();
            _log.Dispose();
            await _lock.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the journal synchronously; see <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private EvidenceUnavailableException Faulted(Exception fault) => new(
        GateCodes.EvidenceUnavailable,
        $"The evidence journal '{_path}' is faulted by an earlier write, flush or checkpoint failure and refuses every append until it is reopened.",
        fault);

    private EvidenceUnavailableException Closed() => new(
        GateCodes.EvidenceUnavailable,
        $"The evidence journal '{_path}' is closed; the record was not written.");
}

using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FailClosed.Gates.PostgreSql;

/// <summary>
/// An evidence sink on PostgreSQL that many instances of a service append to at once: one hash-chained,
/// tamper-evident trail with the same entries, leaf hashes, Merkle tree and signed checkpoints as
/// <see cref="FileEvidenceJournal"/>.
/// </summary>
/// <remarks>
/// <para>
/// One writer loop per instance takes every queued append and writes the batch in one transaction: it takes a
/// transaction-scoped advisory lock, reads the head of the trail (catching up with what other instances appended and
/// checking their chain), inserts the batch with one multi-row <c>INSERT</c>, and commits. An append completes only
/// after the commit. A batch that fails — connection loss, timeout, serialization failure, failover — refuses its
/// appends with <see cref="GateCodes.EvidenceUnavailable"/> and is never retried; when the failure came after the
/// commit was sent, the next batch first reads the head to learn whether it committed (and if it did, appends a
/// <see cref="EvidenceKind.Recovery"/> record saying so). Later appends reconnect and resume from the database head.
/// </para>
/// <para>
/// A broken chain, a sequence gap or a cut tail faults the sink for good: every later append throws
/// <see cref="EvidenceUnavailableException"/> with <see cref="GateCodes.EvidenceTampered"/>. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class PostgreSqlEvidenceSink : IEvidenceSink, IAsyncDisposable
{
    private readonly PostgreSqlEvidenceSinkOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly long _lockKey;
    private readonly EvidenceLog _log;
    private readonly IReadOnlyList<CheckpointKey> _trustedKeys;
    private readonly ILogger _logger;
    private readonly Channel<PendingAppend> _channel;
    private readonly Sql _sql;
    private ITimer? _timer;
    private Task _writer = Task.CompletedTask;
    private long _durableCount;
    private long _checkpointedSize = -1;
    private EvidenceCheckpoint? _lastCheckpoint;
    private Exception? _fault;
    private UnresolvedBatch? _unresolved;
    private NpgsqlConnection? _connection;
    private int _queuedAppends;
    private bool _unresolvedCommitted;
    private int _disposed;

    private PostgreSqlEvidenceSink(PostgreSqlEvidenceSinkOptions options, EvidenceLog log, IReadOnlyList<CheckpointKey> trustedKeys)
    {
        _options = options;
        _dataSource = options.DataSource;
        _schema = options.Schema;
        _lockKey = PostgreSqlEvidenceSchema.AppendLockKey(options.Schema);
        _log = log;
        _trustedKeys = trustedKeys;
        _durableCount = log.Size;
        _logger = options.LoggerFactory?.CreateLogger("FailClosed.Gates.PostgreSql.EvidenceSink") ?? NullLogger.Instance;
        _sql = new Sql(options.Schema);
        _channel = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    }

    /// <summary>Gets the schema holding the trail.</summary>
    public string Schema => _schema;

    /// <summary>Gets the number of records in the trail as this instance last saw it (its own and other instances' appends).</summary>
    public long Count => Volatile.Read(ref _durableCount);

    /// <summary>Gets whether a tamper-evidence failure has faulted the sink.</summary>
    public bool IsFaulted => Volatile.Read(ref _fault) is not null;

    /// <summary>Gets the last checkpoint this instance wrote.</summary>
    public EvidenceCheckpoint? LastCheckpoint => Volatile.Read(ref _lastCheckpoint);

    /// <summary>Appends a record and completes once its batch is committed.</summary>
    /// <param name="record">The record; the sink assigns its sequence and hashes.</param>
    /// <param name="cancellationToken">Cancels waiting; a canceled append may or may not have been written.</param>
    /// <returns>The receipt of the committed record.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">The record is invalid or encodes to more than 64 KiB; nothing was written.</exception>
    /// <exception cref="EvidenceUnavailableException">The sink is faulted or closed, or the record's batch failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled while waiting.</exception>
    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default)
    {
        byte[] content = EvidenceEncoding.EncodeContent(record);
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw Faulted(fault);
        }

        var pending = PendingAppend.Owning(content);
        Interlocked.Increment(ref _queuedAppends);
        if (Volatile.Read(ref _disposed) != 0 || !_channel.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _queuedAppends);
            throw Closed();
        }

        return cancellationToken.CanBeCanceled
            ? new ValueTask<EvidenceReceipt>(pending.Task.WaitAsync(cancellationToken))
            : new ValueTask<EvidenceReceipt>(pending.Task);
    }

    /// <summary>Drains queued appends, writes a final checkpoint unless faulted, and stops the writer loop.</summary>
    /// <returns>A task that completes when the sink is closed. The data source is not disposed.</returns>
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
            _log.Dispose();
        }
    }

    private EvidenceUnavailableException Faulted(Exception fault) => new(
        GateCodes.EvidenceTampered,
        $"The evidence trail in schema '{_schema}' failed a tamper-evidence check and this sink refuses every append: {fault.Message}",
        fault);

    private EvidenceUnavailableException Closed() => new(
        GateCodes.EvidenceUnavailable,
        $"The PostgreSQL evidence sink for schema '{_schema}' is closed; the record was not written.");

    /// <summary>A batch's rows, chained after sequence <see cref="First"/>.</summary>
    private sealed record EncodedBatch(long First, long[] Sequences, byte[][] Entries, byte[][] Leaves, byte[][] Previous);

    /// <summary>A batch whose commit was sent but not acknowledged: its first sequence and leaf hashes.</summary>
    private sealed record UnresolvedBatch(long FirstSequence, byte[][] Leaves);
}

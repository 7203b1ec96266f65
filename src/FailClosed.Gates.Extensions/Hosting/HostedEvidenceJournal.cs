using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.Extensions;

/// <summary>
/// The evidence sink of one <c>AddFailClosedGates</c> registration: it delegates to the journal opened when the host
/// starts, checkpoints and closes it when the host stops, and can bring a faulted journal back in a running host.
/// </summary>
/// <remarks>
/// <para>
/// Before the host starts, while it stops, and during a recovery, every append throws
/// <see cref="EvidenceUnavailableException"/>, so every guarded action blocks: there is no window in which a side
/// effect runs without its Intent record.
/// </para>
/// <para>Thread-safe; one instance per registration, resolved from the container.</para>
/// </remarks>
public sealed class HostedEvidenceJournal : IEvidenceSink, IAsyncDisposable, IDisposable
{
    /// <summary>The action name of the Recovery record written when a faulted journal is reopened.</summary>
    public const string RecoveryAction = "evidence.journal.reopen";

    /// <summary>The gate name the Recovery record carries.</summary>
    public const string GateName = "hosted-evidence-journal";

    private readonly EvidenceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ICheckpointAnchor? _anchor;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lifecycle = new(1, 1); // never disposed: it has no wait handle, and a late caller must not see ObjectDisposedException
    private IEvidenceSink? _current;
    private readonly List<ECDsa> _ownedKeys = [];
    private CheckpointKey? _signingKey;
    private CheckpointKey[]? _previousKeys;
    private int _faultLogged;
    private int _state; // 0 not started, 1 started, 2 stopped
    private long _recoveries;

    internal HostedEvidenceJournal(string name, EvidenceOptions options, TimeProvider timeProvider, ICheckpointAnchor? anchor, ILogger logger)
    {
        Name = name;
        _options = options;
        _timeProvider = timeProvider;
        _anchor = anchor;
        _logger = logger;
    }

    /// <summary>Gets the registration name; empty for the default registration.</summary>
    public string Name { get; }

    /// <summary>Gets where records are appended.</summary>
    public EvidenceStore Store => _options.Store;

    /// <summary>Gets the file journal records are appended to now, or <see langword="null"/> when none is open.</summary>
    public FileEvidenceJournal? Journal => Volatile.Read(ref _current) as FileEvidenceJournal;

    /// <summary>Gets a value indicating whether appends are being accepted by a sink that has not faulted.</summary>
    public bool IsAvailable => Volatile.Read(ref _current) is { } sink && sink is not FileEvidenceJournal { IsFaulted: true };

    /// <summary>Gets a value indicating whether the host started this journal and it cannot take appends: it faulted, or a recovery failed or is under way.</summary>
    public bool IsFaulted => Volatile.Read(ref _state) == 1 && !IsAvailable;

    /// <summary>Gets how many times a faulted journal was reopened in this host.</summary>
    public long Recoveries => Interlocked.Read(ref _recoveries);

    /// <inheritdoc />
    /// <exception cref="EvidenceUnavailableException">No journal is open (the host has not started, is stopping, or a
    /// recovery is swapping it), or the journal refused the record.</exception>
    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default)
    {
        IEvidenceSink sink = Volatile.Read(ref _current) ?? throw NotOpen();
        if (sink is FileEvidenceJournal { IsFaulted: true } journal && Interlocked.Exchange(ref _faultLogged, 1) == 0)
        {
            _logger.JournalFaulted(Name, journal.Path);
        }

        return sink.AppendAsync(record, cancellationToken);
    }

    /// <summary>
    /// Reopens a faulted journal in the running host once its cause is fixed (space freed, volume remounted): closes
    /// the faulted instance, runs the journal's open-time recovery and verification, appends a
    /// <see cref="EvidenceKind.Recovery"/> record saying so, and only then swaps it in as the sink.
    /// </summary>
    /// <param name="reason">Who recovers it and why, for the Recovery record, e.g. <c>"ops: volume remounted, INC-1042"</c>; no secrets.</param>
    /// <param name="cancellationToken">Cancels waiting for another lifecycle operation.</param>
    /// <returns>The receipt of the Recovery record.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is null, empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The journal is not a started file journal that has faulted.</exception>
    /// <exception cref="EvidenceUnavailableException">The journal could not be reopened (its cause is not fixed, or
    /// it failed verification: <see cref="GateCodes.EvidenceTampered"/>); it stays closed and every action blocks.</exception>
    /// <remarks>Requests queued for review during the outage are then re-run by operators through the review path.</remarks>
    public async Task<EvidenceReceipt> RecoverAsync(string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _state) != 1 || _options.Store != EvidenceStore.File || !IsFaulted)
            {
                throw new InvalidOperationException(
                    $"The evidence journal '{Name}' is not a started file journal that has faulted; recovery only reopens a faulted journal, so there is nothing to recover.");
            }

            IEvidenceSink? faulted = Interlocked.Exchange(ref _current, null);
            long before = (faulted as FileEvidenceJournal)?.Count ?? -1;
            if (faulted is FileEvidenceJournal old)
            {
                await old.DisposeAsync().ConfigureAwait(false);
            }

            FileEvidenceJournal reopened;
            try
            {
                reopened = await OpenFileAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is EvidenceUnavailableException or ArgumentException or OperationCanceledException)
            {
                _logger.JournalRecoveryFailed(Name, FullPath, exception);
                throw;
            }

            EvidenceReceipt receipt;
            try
            {
                receipt = await reopened.AppendAsync(RecoveryRecord(reason, before), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                _logger.JournalRecoveryFailed(Name, FullPath, exception);
                await reopened.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            Volatile.Write(ref _faultLogged, 0);
            Interlocked.Increment(ref _recoveries);
            Volatile.Write(ref _current, reopened);
            _logger.JournalRecovered(Name, reopened.Path, receipt.Sequence);
            return receipt;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Checkpoints and closes the journal; later appends throw <see cref="EvidenceUnavailableException"/>.</summary>
    /// <returns>A task that completes when the journal is closed.</returns>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>Checkpoints and closes the journal synchronously; see <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => StopAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Opens the store; called by the host as it starts.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _state) != 0)
            {
                return;
            }

            if (_options.Store == EvidenceStore.InMemory)
            {
                Volatile.Write(ref _current, new InMemoryEvidenceSink());
                Volatile.Write(ref _state, 1);
                return;
            }

            FileEvidenceJournal journal;
            try
            {
                journal = await OpenFileAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is EvidenceUnavailableException or ArgumentException or CryptographicException or IOException)
            {
                string code = exception is EvidenceUnavailableException { Code: { } c } ? c : GateCodes.EvidenceUnavailable;
                _logger.JournalOpenFailed(Name, FullPath, code, exception);
                throw;
            }

            Volatile.Write(ref _current, journal);
            Volatile.Write(ref _state, 1);
            _logger.JournalOpened(Name, journal.Path, journal.Count);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Checkpoints and closes the store; called by the host once it has stopped.</summary>
    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _state, 2) == 2)
            {
                return;
            }

            IEvidenceSink? sink = Interlocked.Exchange(ref _current, null);
            if (sink is FileEvidenceJournal journal)
            {
                long count = journal.Count;
                await journal.DisposeAsync().ConfigureAwait(false);
                _logger.JournalClosed(Name, journal.Path, count);
            }

            foreach (ECDsa key in _ownedKeys)
            {
                key.Dispose();
            }

            _ownedKeys.Clear();
            _signingKey = null;
            _previousKeys = null;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private string FullPath => _options.Path is { Length: > 0 } path ? Path.GetFullPath(path) : string.Empty;

    private async Task<FileEvidenceJournal> OpenFileAsync(CancellationToken cancellationToken)
    {
        var options = new FileEvidenceJournalOptions
        {
            Path = _options.Path!,
            Origin = _options.Origin!,
            SigningKey = SigningKey(),
            PreviousKeys = PreviousKeys(),
            CheckpointEveryRecords = _options.CheckpointEveryRecords,
            CheckpointInterval = _options.CheckpointInterval,
            TimeProvider = _timeProvider,
            Anchor = _anchor,
        };

        return await FileEvidenceJournal.OpenAsync(options, cancellationToken).ConfigureAwait(false);
    }

    private CheckpointKey SigningKey()
    {
        if (_options.SigningKey is { } key)
        {
            return key;
        }

        return _signingKey ??= LoadKey(_options.SigningKeyName ?? _options.Origin!, _options.SigningKeyPath!);
    }

    private CheckpointKey[] PreviousKeys()
    {
        if (_previousKeys is null)
        {
            var keys = new List<CheckpointKey>(_options.PreviousSigningKeys.Count);
            foreach (KeyValuePair<string, string> previous in _options.PreviousSigningKeys)
            {
                keys.Add(LoadKey(previous.Key, previous.Value));
            }

            _previousKeys = [.. keys];
        }

        return _previousKeys;
    }

    private CheckpointKey LoadKey(string name, string pemPath)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(File.ReadAllText(pemPath));
            var key = new CheckpointKey(name, ecdsa);
            _ownedKeys.Add(ecdsa);
            return key;
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    private EvidenceRecord RecoveryRecord(string reason, long durableBefore) => new()
    {
        Timestamp = _timeProvider.GetUtcNow(),
        Action = RecoveryAction,
        Kind = EvidenceKind.Recovery,
        Verdict = Verdict.Indeterminate,
        Code = GateCodes.EvidenceUnavailable,
        Gate = GateName,
        ExecutionId = Guid.CreateVersion7(_timeProvider.GetUtcNow()).ToString(),
        Detail = string.Create(
            CultureInfo.InvariantCulture,
            $"Reopened in the running host after a fault ({durableBefore} records were durable before it); the open-time recovery and verification passed. Reason: {reason}"),
    };

    private EvidenceUnavailableException NotOpen() => new(
        GateCodes.EvidenceUnavailable,
        $"The evidence journal '{Name}' is not open: the host has not started, is stopping, or a recovery is swapping it; the record was not written.");
}

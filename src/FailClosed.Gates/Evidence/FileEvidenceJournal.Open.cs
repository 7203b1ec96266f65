using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace FailClosed.Gates;

public sealed partial class FileEvidenceJournal
{
    private FileEvidenceJournal(FileEvidenceJournalOptions options, string path, FileStream lockFile, IJournalStorage storage, EvidenceLog log, long fileLength)
    {
        _options = options;
        _path = path;
        _lock = lockFile;
        _storage = storage;
        _log = log;
        _fileLength = fileLength;
        _durableCount = log.Size;
        _channel = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    }

    /// <summary>
    /// Opens (or creates) a journal, checks it end to end, recovers a torn tail, records a signing-key change, writes
    /// a checkpoint and starts accepting appends.
    /// </summary>
    /// <param name="options">The journal settings.</param>
    /// <returns>The open journal; dispose it to write a final checkpoint and release the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range or the signing key has no private key.</exception>
    /// <exception cref="EvidenceUnavailableException">
    /// <see cref="GateCodes.EvidenceTampered"/>: the journal or its checkpoint failed a tamper-evidence check (a bad
    /// frame before the tail, a broken chain, a sequence gap, a checkpoint it does not contain, a checkpoint no
    /// trusted key signed). Nothing was changed.
    /// <see cref="GateCodes.EvidenceUnavailable"/>: another instance holds the journal's lock; the journal was written
    /// with another origin; the signing key is one a KeyRotation record of the journal retired; or a file or directory could not be created, read or written (the message names the
    /// path and the cause, and <see cref="Exception.InnerException"/> is the I/O failure).
    /// </exception>
    public static FileEvidenceJournal Open(FileEvidenceJournalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = ValidateOptions(options);
        return OpenCoreAsync(options, path, synchronous: true, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Opens (or creates) a journal as <see cref="Open"/> does, reading the journal asynchronously.
    /// </summary>
    /// <param name="options">The journal settings.</param>
    /// <param name="cancellationToken">
    /// Stops the checks while the journal is read; nothing has been changed then. Once recovery or the opening
    /// checkpoint has started it completes.
    /// </param>
    /// <returns>The open journal; dispose it to write a final checkpoint and release the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range or the signing key has no private key.</exception>
    /// <exception cref="EvidenceUnavailableException">As for <see cref="Open"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled before the journal changed.</exception>
    public static ValueTask<FileEvidenceJournal> OpenAsync(FileEvidenceJournalOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = ValidateOptions(options);
        return OpenCoreAsync(options, path, synchronous: false, cancellationToken);
    }

    private static async ValueTask<FileEvidenceJournal> OpenCoreAsync(FileEvidenceJournalOptions options, string path, bool synchronous, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string directory = System.IO.Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, $"its directory '{directory}' could not be created", directory, ex);
        }

        FileStream lockFile = OpenLock(path);
        IJournalStorage? storage = null;
        try
        {
            try
            {
                storage = new FileJournalStorage(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Unavailable(path, "the journal file could not be opened for reading and writing", path, ex);
            }

            if (options.StorageWrapper is { } wrap)
            {
                storage = wrap(storage);
            }

            (EvidenceLog log, long fileLength) = await CheckAndRecoverAsync(options, path, storage, synchronous, cancellationToken).ConfigureAwait(false);
            var journal = new FileEvidenceJournal(options, path, lockFile, storage, log, fileLength);

            // A fresh checkpoint on every open: it covers a Recovery or KeyRotation record, and it makes "records but
            // no checkpoint" impossible for any journal this type has opened, so a deleted checkpoint is detected.
            await journal.CheckpointAsync().ConfigureAwait(false);
            if (journal._fault is { } fault)
            {
                throw Unavailable(path, $"its opening checkpoint '{CheckpointPath(path)}' could not be written", CheckpointPath(path), fault);
            }

            journal._writer = Task.Run(journal.RunWriterAsync, CancellationToken.None);
            if (options.CheckpointInterval != Timeout.InfiniteTimeSpan)
            {
                journal._timer = options.TimeProvider.CreateTimer(
                    static state => ((Channel<PendingAppend>)state!).Writer.TryWrite(PendingAppend.CheckpointRequest),
                    journal._channel,
                    options.CheckpointInterval,
                    options.CheckpointInterval);
            }

            return journal;
        }
#pragma warning disable CA1031 // Release the lock whatever failed; the failure is rethrown as evidence unavailable.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            storage?.Dispose();
            await lockFile.DisposeAsync().ConfigureAwait(false);
            if (ex is EvidenceUnavailableException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                throw;
            }

            throw Unavailable(path, "it could not be read, recovered or checkpointed", path, ex);
        }
    }

    /// <summary>Takes the journal's exclusive lock; says "already open" only when the lock is really held.</summary>
    private static FileStream OpenLock(string path)
    {
        string lockPath = path + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (IsLockHeld(ex))
        {
            throw new EvidenceUnavailableException(
                GateCodes.EvidenceUnavailable,
                $"The evidence journal '{path}' is already open in this or another process (its lock file '{lockPath}' is held); a journal has exactly one writer.",
                ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, $"its lock file '{lockPath}' could not be created or opened", lockPath, ex);
        }
    }

    /// <summary>
    /// Whether opening with <see cref="FileShare.None"/> failed because another handle holds the file: a sharing or
    /// lock violation on Windows, <c>EWOULDBLOCK</c> from <c>flock</c> on Linux (11) and macOS (35).
    /// </summary>
    private static bool IsLockHeld(IOException ex) =>
        ex.GetType() == typeof(IOException)
        && (OperatingSystem.IsWindows()
            ? ex.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
            : ex.HResult == (OperatingSystem.IsLinux() ? 11 : 35));

    private static EvidenceUnavailableException Unavailable(string path, string what, string target, Exception cause) => new(
        GateCodes.EvidenceUnavailable,
        $"The evidence journal '{path}' could not be opened: {what}: {Explain(target, cause)}",
        cause);

    /// <summary>Names the cause of a file-system failure in the user's terms, then quotes the runtime's message.</summary>
    private static string Explain(string target, Exception cause)
    {
        for (string? parent = System.IO.Path.GetDirectoryName(target); !string.IsNullOrEmpty(parent); parent = System.IO.Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                return $"'{parent}' is a regular file, not a directory ({cause.Message})";
            }
        }

        if (cause is UnauthorizedAccessException && Directory.Exists(target) && !target.EndsWith(System.IO.Path.DirectorySeparatorChar))
        {
            return $"'{target}' is a directory, not a file ({cause.Message})";
        }

        return cause switch
        {
            UnauthorizedAccessException => $"permission denied, or a read-only file system ({cause.Message})",
            FileNotFoundException or DirectoryNotFoundException => $"the file system does not let it be created there ({cause.Message})",
            _ => cause.Message,
        };
    }

    private static string ValidateOptions(FileEvidenceJournalOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.Path, "options.Path");
        ArgumentException.ThrowIfNullOrEmpty(options.Origin, "options.Origin");
        ArgumentNullException.ThrowIfNull(options.SigningKey, "options.SigningKey");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        ArgumentNullException.ThrowIfNull(options.PreviousKeys, "options.PreviousKeys");
        foreach (CheckpointKey? previous in options.PreviousKeys)
        {
            ArgumentNullException.ThrowIfNull(previous, "options.PreviousKeys");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.CheckpointEveryRecords, 1, "options.CheckpointEveryRecords");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchRecords, 1, "options.MaxBatchRecords");
        if (options.CheckpointInterval != Timeout.InfiniteTimeSpan && options.CheckpointInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("options.CheckpointInterval", options.CheckpointInterval, $"The checkpoint interval {options.CheckpointInterval} must be positive or Timeout.InfiniteTimeSpan.");
        }

        foreach (char c in options.Origin)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"The origin '{options.Origin}' has a control character; it must be a single line.", "options.Origin");
            }
        }

        try
        {
            _ = options.SigningKey.Key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"The signing key '{options.SigningKey.Name}' has no exportable private key; checkpoints cannot be signed with it.", "options.SigningKey", ex);
        }

        return System.IO.Path.GetFullPath(options.Path);
    }

    private static async ValueTask<(EvidenceLog Log, long FileLength)> CheckAndRecoverAsync(
        FileEvidenceJournalOptions options, string path, IJournalStorage storage, bool synchronous, CancellationToken cancellationToken)
    {
        string checkpointPath = CheckpointPath(path);
        EvidenceCheckpoint? checkpoint = null;
        CheckpointKey? signer = null;
        string? note;
        try
        {
            note = File.Exists(checkpointPath) ? File.ReadAllText(checkpointPath, Encoding.UTF8) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, $"its checkpoint '{checkpointPath}' could not be read", checkpointPath, ex);
        }

        if (note is not null)
        {
            CheckpointKey[] trusted = [options.SigningKey, .. options.PreviousKeys];
            checkpoint = CheckpointNote.TryVerify(note, trusted, out string reason, out signer);
            if (checkpoint is null)
            {
                string hint = options.PreviousKeys.Count == 0
                    ? " (if the signing key was rotated, list the key that signed it in PreviousKeys)"
                    : string.Empty;
                throw Tampered(path, $"its checkpoint '{checkpointPath}' is invalid: {reason}{hint}");
            }

            if (checkpoint.Origin != options.Origin)
            {
                throw new EvidenceUnavailableException(
                    GateCodes.EvidenceUnavailable,
                    $"The evidence journal '{path}' was not opened: its origin differs. The journal's checkpoint names origin '{checkpoint.Origin}' but the options give '{options.Origin}'; a journal keeps its origin for life, so open it with origin '{checkpoint.Origin}' or use another path.");
            }
        }
        else if (storage.Length > 0)
        {
            throw Tampered(path, $"it holds {storage.Length} bytes but its checkpoint '{checkpointPath}' is missing");
        }

        JournalScan scan = synchronous
            ? JournalScanner.Scan(storage, checkpoint?.TreeSize ?? -1, keepLeaves: false)
            : await JournalScanner.ScanAsync(storage, checkpoint?.TreeSize ?? -1, cancellationToken).ConfigureAwait(false);
        try
        {
            if (scan.Defect is { IsTornTail: false } defect)
            {
                throw Tampered(path, $"record {defect.Index} at byte {defect.Offset} is bad: {defect.Reason}");
            }

            if (checkpoint is not null)
            {
                if (scan.CheckpointRoot is null)
                {
                    throw Tampered(path, $"it holds {scan.Log.Size} intact records but its checkpoint commits to {checkpoint.TreeSize}: records were cut");
                }

                string root = EvidenceHashing.ToHex(scan.CheckpointRoot);
                if (root != checkpoint.RootHash)
                {
                    throw Tampered(path, $"the Merkle root of its first {checkpoint.TreeSize} records is {root}, not the checkpoint's {checkpoint.RootHash}");
                }

                if (KeyRotationRule.Check(scan.KeyRotations, checkpoint.Note, [options.SigningKey, .. options.PreviousKeys]) is { } rotation)
                {
                    throw Tampered(path, rotation);
                }
            }

            // The last moment to stop with nothing changed.
            cancellationToken.ThrowIfCancellationRequested();
            long length = scan.Defect is { } torn ? Recover(options, path, storage, scan, torn) : scan.ValidLength;
            if (signer is not null && signer != options.SigningKey)
            {
                if (KeyRotationRule.RetiredAt(scan.KeyRotations, options.SigningKey) is { } retiredAt)
                {
                    throw new EvidenceUnavailableException(
                        GateCodes.EvidenceUnavailable,
                        string.Create(CultureInfo.InvariantCulture, $"The evidence journal '{path}' was not opened: its signing key '{options.SigningKey.Name}' was retired by its KeyRotation record {retiredAt}, and a retired key signs no checkpoint again; rotate to a new key."));
                }

                length = AppendDuringOpen(storage, scan.Log, length, KeyRotationRecord(options, checkpoint!, signer, scan.Log.Size));
            }

            return (scan.Log, length);
        }
        catch
        {
            scan.Dispose();
            throw;
        }
    }

    /// <summary>The record that says checkpoints are signed with a new key from here on, and which key signed before.</summary>
    private static EvidenceRecord KeyRotationRecord(FileEvidenceJournalOptions options, EvidenceCheckpoint previous, CheckpointKey previousKey, long sequence) => new()
    {
        Timestamp = options.TimeProvider.GetUtcNow(),
        Action = KeyRotationRule.Action,
        Kind = EvidenceKind.KeyRotation,
        Verdict = Verdict.Allow,
        Code = GateCodes.Allowed,
        Gate = nameof(FileEvidenceJournal),
        Subject = options.SigningKey.Name,
        ExecutionId = "key-rotation-" + sequence.ToString(CultureInfo.InvariantCulture),
        Detail = string.Create(
            CultureInfo.InvariantCulture,
            $"Checkpoints are signed with key '{options.SigningKey.Name}' (key id {Convert.ToHexStringLower(options.SigningKey.KeyId)}) from this record on. The checkpoint before, at {previous.TreeSize} records with root {previous.RootHash}, was signed with key '{previousKey.Name}' (key id {Convert.ToHexStringLower(previousKey.KeyId)})."),
    };

    /// <summary>Appends one record while the journal is opened (before the writer starts); returns the new file length.</summary>
    private static long AppendDuringOpen(IJournalStorage storage, EvidenceLog log, long offset, EvidenceRecord record)
    {
        byte[] content = EvidenceEncoding.EncodeContent(record);
        var entry = new byte[log.NextEntryLength(content.Length)];
        Span<byte> leaf = stackalloc byte[EvidenceHashing.HashSize];
        log.Append(content, entry, leaf);
        byte[] frame = JournalFrame.Create(entry);
        storage.Write(frame, offset);
        storage.Flush();
        return offset + frame.Length;
    }

    /// <summary>Copies the torn tail aside, cuts it, appends a Recovery record saying what was cut, and returns the new length.</summary>
    private static long Recover(FileEvidenceJournalOptions options, string path, IJournalStorage storage, JournalScan scan, JournalDefect torn)
    {
        long length = storage.Length;
        var tail = new byte[length - torn.Offset];
        int read = 0;
        while (read < tail.Length)
        {
            int n = storage.Read(tail.AsSpan(read), torn.Offset + read);
            if (n == 0)
            {
                throw new IOException($"The journal '{path}' ended early while its torn tail was copied.");
            }

            read += n;
        }

        string aside = path + ".torn-" + torn.Offset.ToString(CultureInfo.InvariantCulture);
        for (int i = 1; File.Exists(aside); i++)
        {
            aside = path + ".torn-" + torn.Offset.ToString(CultureInfo.InvariantCulture) + "-" + i.ToString(CultureInfo.InvariantCulture);
        }

        using (var copy = new FileStream(aside, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            copy.Write(tail);
            copy.Flush(flushToDisk: true);
        }

        DirectorySync.Flush(System.IO.Path.GetDirectoryName(path)!);
        storage.SetLength(torn.Offset);
        storage.Flush();

        var recovery = new EvidenceRecord
        {
            Timestamp = options.TimeProvider.GetUtcNow(),
            Action = "evidence.journal.recover",
            Kind = EvidenceKind.Recovery,
            Verdict = Verdict.Indeterminate,
            Code = GateCodes.EvidenceUnavailable,
            Gate = nameof(FileEvidenceJournal),
            ExecutionId = "recovery-" + scan.Log.Size.ToString(CultureInfo.InvariantCulture),
            Detail = string.Create(
                CultureInfo.InvariantCulture,
                $"Cut a torn tail of {tail.Length} bytes at byte {torn.Offset}, after record {scan.Log.Size - 1} ({torn.Reason}); it was never acknowledged. The bytes were copied to '{System.IO.Path.GetFileName(aside)}' (SHA-256 {Convert.ToHexStringLower(SHA256.HashData(tail))})."),
        };
        return AppendDuringOpen(storage, scan.Log, torn.Offset, recovery);
    }

    private static EvidenceUnavailableException Tampered(string path, string reason) => new(
        GateCodes.EvidenceTampered,
        $"The evidence journal '{path}' failed its tamper-evidence checks and was not opened: {reason}. Run 'fcgate verify' and investigate before appending.");
}

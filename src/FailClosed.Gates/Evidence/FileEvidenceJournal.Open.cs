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
    /// Opens (or creates) a journal, checks it end to end, recovers a torn tail, writes a checkpoint and starts
    /// accepting appends.
    /// </summary>
    /// <param name="options">The journal settings.</param>
    /// <returns>The open journal; dispose it to write a final checkpoint and release the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range or the signing key has no private key.</exception>
    /// <exception cref="EvidenceUnavailableException">
    /// <see cref="GateCodes.EvidenceTampered"/>: the journal or its checkpoint failed a tamper-evidence check (a bad
    /// frame before the tail, a broken chain, a sequence gap, a checkpoint it does not contain). Nothing was changed.
    /// <see cref="GateCodes.EvidenceUnavailable"/>: another instance holds the journal's lock, or the files could not
    /// be read or written.
    /// </exception>
    public static FileEvidenceJournal Open(FileEvidenceJournalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = ValidateOptions(options);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);

        FileStream lockFile;
        try
        {
            lockFile = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new EvidenceUnavailableException(
                GateCodes.EvidenceUnavailable,
                $"The evidence journal '{path}' is already open in this or another process (its lock file '{path}.lock' is held); a journal has exactly one writer.",
                ex);
        }

        IJournalStorage? storage = null;
        try
        {
            storage = new FileJournalStorage(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));
            if (options.StorageWrapper is { } wrap)
            {
                storage = wrap(storage);
            }

            (EvidenceLog log, long fileLength) = CheckAndRecover(options, path, storage);
            var journal = new FileEvidenceJournal(options, path, lockFile, storage, log, fileLength);

            // A fresh checkpoint on every open: it covers a Recovery record, and it makes "records but no
            // checkpoint" impossible for any journal this type has opened, so a deleted checkpoint is detected.
            journal.CheckpointAsync().AsTask().GetAwaiter().GetResult();
            if (journal._fault is { } fault)
            {
                throw new EvidenceUnavailableException(GateCodes.EvidenceUnavailable, $"The evidence journal '{path}' could not write its opening checkpoint.", fault);
            }

            journal._writer = Task.Run(journal.RunWriterAsync);
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
            lockFile.Dispose();
            if (ex is EvidenceUnavailableException)
            {
                throw;
            }

            throw new EvidenceUnavailableException(GateCodes.EvidenceUnavailable, $"The evidence journal '{path}' could not be opened: {ex.Message}", ex);
        }
    }

    private static string ValidateOptions(FileEvidenceJournalOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.Path, "options.Path");
        ArgumentException.ThrowIfNullOrEmpty(options.Origin, "options.Origin");
        ArgumentNullException.ThrowIfNull(options.SigningKey, "options.SigningKey");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
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

    private static (EvidenceLog Log, long FileLength) CheckAndRecover(FileEvidenceJournalOptions options, string path, IJournalStorage storage)
    {
        string checkpointPath = CheckpointPath(path);
        EvidenceCheckpoint? checkpoint = null;
        if (File.Exists(checkpointPath))
        {
            string note = File.ReadAllText(checkpointPath, Encoding.UTF8);
            checkpoint = CheckpointNote.TryVerify(note, [options.SigningKey], out string reason)
                ?? throw Tampered(path, $"its checkpoint '{checkpointPath}' is invalid: {reason}");
            if (checkpoint.Origin != options.Origin)
            {
                throw Tampered(path, $"its checkpoint names origin '{checkpoint.Origin}', not '{options.Origin}'");
            }
        }
        else if (storage.Length > 0)
        {
            throw Tampered(path, $"it holds {storage.Length} bytes but its checkpoint '{checkpointPath}' is missing");
        }

        JournalScan scan = JournalScanner.Scan(storage, checkpoint?.TreeSize ?? -1, keepLeaves: false);
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
        }

        return scan.Defect is { } torn
            ? (scan.Log, Recover(options, path, storage, scan, torn))
            : (scan.Log, scan.ValidLength);
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
        byte[] content = EvidenceEncoding.EncodeContent(recovery);
        var entry = new byte[scan.Log.NextEntryLength(content.Length)];
        Span<byte> leaf = stackalloc byte[EvidenceHashing.HashSize];
        scan.Log.Append(content, entry, leaf);
        byte[] frame = JournalFrame.Create(entry);
        storage.Write(frame, torn.Offset);
        storage.Flush();
        return torn.Offset + frame.Length;
    }

    private static EvidenceUnavailableException Tampered(string path, string reason) => new(
        GateCodes.EvidenceTampered,
        $"The evidence journal '{path}' failed its tamper-evidence checks and was not opened: {reason}. Run 'fcgate verify' and investigate before appending.");
}

using System.Text;
using System.Threading.Channels;

namespace FailClosed.Gates;

public sealed partial class FileEvidenceJournal
{
    private const int MaxBatchBytes = 4 * 1024 * 1024;

    private static readonly Task<bool> s_itemsQueued = Task.FromResult(true);
    private static readonly Task<bool> s_closed = Task.FromResult(false);

    private Task<bool>? _itemsWaiter;

    // Two stages: while one batch is written and flushed (on a pool thread; the flush blocks), the writer encodes,
    // hashes and chains the next into the other buffer. A batch is written only after the one before it is durable,
    // and not at all once a flush has failed: its appends fail unwritten. The in-memory log runs ahead of the file by
    // at most the batch being prepared, so a checkpoint (which signs the log) waits until nothing is in flight, and
    // Count follows each flushed batch, not the log.
    private async Task RunWriterAsync()
    {
        Batch[] batches = [new Batch(), new Batch()];
        try
        {
            await WriteBatchesAsync(batches).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The loop must outlive any failure: a dead loop would leave appends waiting forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fault(ex);
            foreach (Batch batch in batches)
            {
                // A batch whose flush is still running may yet succeed: Commit completes its appends either way.
                batch.FailUnlessCommitting(Faulted(ex));
            }

            while (await _channel.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_channel.Reader.TryRead(out PendingAppend? item))
                {
                    item.TrySetException(Faulted(ex));
                }
            }
        }
    }

    private async Task WriteBatchesAsync(Batch[] batches)
    {
        ChannelReader<PendingAppend> reader = _channel.Reader;
        Task flushing = Task.CompletedTask;
        int current = 0;
        PendingAppend? carry = null;
        while (carry is not null || await ItemsAvailable(reader).ConfigureAwait(false))
        {
            Batch batch = batches[current];
            batch.Reset();
            bool checkpointRequested = false;
            while (batch.Appends.Count < _options.MaxBatchRecords)
            {
                PendingAppend? item = carry;
                carry = null;
                if (item is null && !reader.TryRead(out item))
                {
                    if (batch.Appends.Count == 0 || flushing.IsCompleted)
                    {
                        break;
                    }

                    // The batch before is still flushing: keep taking (and hashing) appends as they come until it is
                    // durable, so this batch is as large as group commit without a second stage would make it.
                    Task<bool> more = ItemsAvailable(reader);
                    if (!more.IsCompleted)
                    {
                        await Task.WhenAny(flushing, more).ConfigureAwait(false);
                    }

                    if (more.IsCompleted && more.Result)
                    {
                        continue;
                    }

                    break;
                }

                if (item.IsCheckpointRequest)
                {
                    checkpointRequested = true;
                    continue;
                }

                if (Volatile.Read(ref _fault) is { } fault)
                {
                    item.TrySetException(Faulted(fault));
                    continue;
                }

                int needed = JournalFrame.HeaderSize + _log.NextEntryLength(item.ContentLength);
                if (batch.Appends.Count > 0 && batch.Used + needed > MaxBatchBytes)
                {
                    carry = item;
                    break;
                }

                Span<byte> frame = batch.Reserve(needed);
                item.Sequence = _log.Size;
                int length = _log.Append(item.Content, frame[JournalFrame.HeaderSize..], item.LeafHash);
                item.ReleaseContent();
                JournalFrame.WriteHeader(frame.Slice(JournalFrame.HeaderSize, length), frame);
                batch.Advance(JournalFrame.HeaderSize + length);
                batch.Appends.Add(item);
            }

            // The batch before this one must be durable before this one is written after it.
            await flushing.ConfigureAwait(false);
            if (batch.Appends.Count > 0)
            {
                if (Volatile.Read(ref _fault) is { } fault)
                {
                    batch.FailUnlessCommitting(Faulted(fault));
                }
                else
                {
                    long durableCount = _log.Size;
                    batch.Committing = true;
                    flushing = Task.Run(() => Commit(batch, durableCount), CancellationToken.None);
                    current ^= 1;
                }
            }

            long sinceCheckpoint = _log.Size - _checkpointedSize;
            if (sinceCheckpoint >= _options.CheckpointEveryRecords || (checkpointRequested && sinceCheckpoint > 0))
            {
                await flushing.ConfigureAwait(false);
                if (Volatile.Read(ref _fault) is null)
                {
                    await CheckpointAsync().ConfigureAwait(false);
                }
            }
        }

        await flushing.ConfigureAwait(false);
        if (Volatile.Read(ref _fault) is null && _log.Size != _checkpointedSize)
        {
            await CheckpointAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Returns a task that completes with <see langword="true"/> when appends are queued (<see langword="false"/> once
    /// the journal is closed), reusing the one still waiting, since the channel takes one waiting reader at a time.
    /// </summary>
    private Task<bool> ItemsAvailable(ChannelReader<PendingAppend> reader)
    {
        if (_itemsWaiter is { IsCompleted: false } waiting)
        {
            return waiting;
        }

        ValueTask<bool> wait = reader.WaitToReadAsync();
        _itemsWaiter = wait.IsCompletedSuccessfully ? (wait.Result ? s_itemsQueued : s_closed) : wait.AsTask();
        return _itemsWaiter;
    }

    private void Commit(Batch batch, long durableCount)
    {
        List<PendingAppend> appends = batch.Appends;
        try
        {
            _storage.Write(batch.Frames, _fileLength);
            _storage.Flush();
        }
#pragma warning disable CA1031 // Whatever the file layer throws, the batch is not durable.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Never retry a failed flush: the kernel may have dropped the dirty pages and reported the error once.
            Fault(ex);
            foreach (PendingAppend item in appends)
            {
                item.TrySetException(Faulted(ex));
            }

            return;
        }

        _fileLength += batch.Frames.Length;
        Volatile.Write(ref _durableCount, durableCount);
        if (JournalMetrics.BatchSize.Enabled)
        {
            JournalMetrics.BatchSize.Record(appends.Count);
        }

        foreach (PendingAppend item in appends)
        {
            item.TrySetResult(new EvidenceReceipt(item.Sequence, item.LeafHash, item.Sequence + 1));
        }
    }

    private async ValueTask CheckpointAsync()
    {
        try
        {
            EvidenceCheckpoint checkpoint = CheckpointNote.Sign(_options.Origin, _log.Size, _log.Root(), _options.SigningKey);
            WriteCheckpointFile(_path, checkpoint);
            _checkpointedSize = checkpoint.TreeSize;
            Volatile.Write(ref _lastCheckpoint, checkpoint);
            if (_options.Anchor is { } anchor)
            {
                await anchor.PublishAsync(checkpoint, CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Any checkpoint or anchor failure is a tamper-evidence failure: fault, never swallow.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fault(ex);
        }
    }

    private void Fault(Exception ex) => Interlocked.CompareExchange(ref _fault, ex, null);

    /// <summary>Writes the checkpoint next to the journal atomically: temp file, flush, rename, directory flush.</summary>
    private static void WriteCheckpointFile(string journalPath, EvidenceCheckpoint checkpoint)
    {
        string target = CheckpointPath(journalPath);
        string temp = target + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(checkpoint.Note));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, target, overwrite: true);
        DirectorySync.Flush(System.IO.Path.GetDirectoryName(target)!);
    }

    private static string CheckpointPath(string journalPath) => journalPath + ".checkpoint";

    /// <summary>One stage's batch: its appends and their frames, ready to write. Reused, one per stage.</summary>
    private sealed class Batch
    {
        private byte[] _buffer = new byte[64 * 1024];

        public List<PendingAppend> Appends { get; } = new(64);

        public int Used { get; private set; }

        /// <summary>Gets or sets a value indicating whether <see cref="Commit"/> owns the batch's appends.</summary>
        public bool Committing { get; set; }

        public ReadOnlySpan<byte> Frames => _buffer.AsSpan(0, Used);

        public void Reset()
        {
            Appends.Clear();
            Used = 0;
            Committing = false;
        }

        public Span<byte> Reserve(int length)
        {
            if (Used + length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Used + length));
            }

            return _buffer.AsSpan(Used, length);
        }

        public void Advance(int length) => Used += length;

        public void FailUnlessCommitting(Exception exception)
        {
            if (Committing)
            {
                return;
            }

            foreach (PendingAppend item in Appends)
            {
                item.TrySetException(exception);
            }
        }
    }
}

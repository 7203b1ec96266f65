using System.Text;
using System.Threading.Channels;

namespace FailClosed.Gates;

public sealed partial class FileEvidenceJournal
{
    private const int MaxBatchBytes = 4 * 1024 * 1024;

    private async Task RunWriterAsync()
    {
        var batch = new List<PendingAppend>(64);
        try
        {
            await WriteBatchesAsync(batch).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The loop must outlive any failure: a dead loop would leave appends waiting forever.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fault(ex);
            foreach (PendingAppend item in batch)
            {
                item.TrySetException(Faulted(ex));
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

    private async Task WriteBatchesAsync(List<PendingAppend> batch)
    {
        ChannelReader<PendingAppend> reader = _channel.Reader;
        byte[] buffer = new byte[64 * 1024];
        PendingAppend? carry = null;
        while (carry is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            int used = 0;
            bool checkpointRequested = false;
            while (batch.Count < _options.MaxBatchRecords)
            {
                PendingAppend? item = carry;
                carry = null;
                if (item is null && !reader.TryRead(out item))
                {
                    break;
                }

                if (item.Content is null)
                {
                    checkpointRequested = true;
                    continue;
                }

                if (Volatile.Read(ref _fault) is { } fault)
                {
                    item.TrySetException(Faulted(fault));
                    continue;
                }

                int needed = JournalFrame.HeaderSize + _log.NextEntryLength(item.Content.Length);
                if (batch.Count > 0 && used + needed > MaxBatchBytes)
                {
                    carry = item;
                    break;
                }

                if (used + needed > buffer.Length)
                {
                    Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + needed));
                }

                Span<byte> frame = buffer.AsSpan(used, needed);
                item.Sequence = _log.Size;
                int length = _log.Append(item.Content, frame[JournalFrame.HeaderSize..], item.LeafHash);
                JournalFrame.WriteHeader(frame.Slice(JournalFrame.HeaderSize, length), frame);
                used += JournalFrame.HeaderSize + length;
                batch.Add(item);
            }

            if (batch.Count > 0)
            {
                Commit(buffer.AsSpan(0, used), batch);
            }

            long sinceCheckpoint = _log.Size - _checkpointedSize;
            if (Volatile.Read(ref _fault) is null
                && (sinceCheckpoint >= _options.CheckpointEveryRecords || (checkpointRequested && sinceCheckpoint > 0)))
            {
                await CheckpointAsync().ConfigureAwait(false);
            }
        }

        if (Volatile.Read(ref _fault) is null && _log.Size != _checkpointedSize)
        {
            await CheckpointAsync().ConfigureAwait(false);
        }
    }

    private void Commit(ReadOnlySpan<byte> frames, List<PendingAppend> batch)
    {
        try
        {
            _storage.Write(frames, _fileLength);
            _storage.Flush();
        }
#pragma warning disable CA1031 // Whatever the file layer throws, the batch is not durable.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Never retry a failed flush: the kernel may have dropped the dirty pages and reported the error once.
            Fault(ex);
            foreach (PendingAppend item in batch)
            {
                item.TrySetException(Faulted(ex));
            }

            return;
        }

        _fileLength += frames.Length;
        Volatile.Write(ref _durableCount, _log.Size);
        if (JournalMetrics.BatchSize.Enabled)
        {
            JournalMetrics.BatchSize.Record(batch.Count);
        }

        foreach (PendingAppend item in batch)
        {
            item.TrySetResult(new EvidenceReceipt(item.Sequence, EvidenceHashing.ToHex(item.LeafHash), item.Sequence + 1));
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
}

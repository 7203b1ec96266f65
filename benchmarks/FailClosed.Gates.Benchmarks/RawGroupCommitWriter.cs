using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// The least a durable group-commit writer can do: one channel, and per batch one write and one flush to disk of
/// frames handed over ready-made — no encoding, hashing, chain or checkpoints. The baseline the journal's appends are
/// measured against.
/// </summary>
internal sealed class RawGroupCommitWriter : IDisposable
{
    private readonly Channel<TaskCompletionSource<long>> _channel =
        Channel.CreateUnbounded<TaskCompletionSource<long>>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly SafeFileHandle _file;
    private readonly byte[] _frame;
    private readonly int _maxBatch;
    private readonly Task _loop;

    public RawGroupCommitWriter(string path, byte[] frame, int maxBatch)
    {
        _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        _frame = frame;
        _maxBatch = maxBatch;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues one frame; completes once the batch holding it is on disk.</summary>
    public Task<long> AppendAsync()
    {
        var pending = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_channel.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The raw writer is closed; nothing can be appended after Dispose.");
        }

        return pending.Task;
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _loop.GetAwaiter().GetResult();
        _file.Dispose();
    }

    private async Task RunAsync()
    {
        ChannelReader<TaskCompletionSource<long>> reader = _channel.Reader;
        var batch = new List<TaskCompletionSource<long>>(_maxBatch);
        byte[] buffer = new byte[_frame.Length * 64];
        long length = 0;
        long sequence = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            int used = 0;
            while (batch.Count < _maxBatch && reader.TryRead(out TaskCompletionSource<long>? item))
            {
                if (used + _frame.Length > buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                _frame.CopyTo(buffer, used);
                used += _frame.Length;
                batch.Add(item);
            }

            RandomAccess.Write(_file, buffer.AsSpan(0, used), length);
            RandomAccess.FlushToDisk(_file);
            length += used;
            foreach (TaskCompletionSource<long> item in batch)
            {
                item.TrySetResult(sequence++);
            }
        }
    }
}

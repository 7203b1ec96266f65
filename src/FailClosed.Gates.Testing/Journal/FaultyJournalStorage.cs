namespace FailClosed.Gates.Testing;

/// <summary>Wraps journal storage to count writes and flushes, hold a write, or throw on demand.</summary>
internal sealed class FaultyJournalStorage(IJournalStorage inner) : IJournalStorage
{
    private int _writes;
    private int _flushes;

    public int Writes => Volatile.Read(ref _writes);

    public int Flushes => Volatile.Read(ref _flushes);

    /// <summary>Gets or sets whether the next writes throw.</summary>
    public volatile bool FailWrites;

    /// <summary>Gets or sets whether the next flushes throw (after the data was written).</summary>
    public volatile bool FailFlushes;

    /// <summary>Gets or sets a gate the next write waits on, to let appends pile up.</summary>
    public ManualResetEventSlim? HoldWrite { get; set; }

    /// <summary>Gets a signal set when a write is waiting on <see cref="HoldWrite"/>.</summary>
    public ManualResetEventSlim WriteWaiting { get; } = new();

    public long Length => inner.Length;

    public int Read(Span<byte> buffer, long offset) => inner.Read(buffer, offset);

    public void Write(ReadOnlySpan<byte> data, long offset)
    {
        Interlocked.Increment(ref _writes);
        if (HoldWrite is { } hold)
        {
            HoldWrite = null;
            WriteWaiting.Set();
            hold.Wait();
        }

        if (FailWrites)
        {
            throw new IOException("Injected write failure.");
        }

        inner.Write(data, offset);
    }

    public void Flush()
    {
        Interlocked.Increment(ref _flushes);
        if (FailFlushes)
        {
            throw new IOException("Injected flush failure.");
        }

        inner.Flush();
    }

    public void SetLength(long length) => inner.SetLength(length);

    public void Dispose() => inner.Dispose();
}

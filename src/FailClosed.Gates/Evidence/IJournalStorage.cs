namespace FailClosed.Gates;

/// <summary>The file operations the journal performs; a seam for fault injection in tests.</summary>
internal interface IJournalStorage : IDisposable
{
    /// <summary>Gets the current length of the file.</summary>
    long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>'s length at <paramref name="offset"/>; returns the bytes read (0 at end).</summary>
    int Read(Span<byte> buffer, long offset);

    /// <summary>Reads up to <paramref name="buffer"/>'s length at <paramref name="offset"/> asynchronously; returns the bytes read (0 at end).</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(Read(buffer.Span, offset));
    }

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>.</summary>
    void Write(ReadOnlySpan<byte> data, long offset);

    /// <summary>Flushes written data and metadata to the storage device.</summary>
    void Flush();

    /// <summary>Truncates or extends the file.</summary>
    void SetLength(long length);
}

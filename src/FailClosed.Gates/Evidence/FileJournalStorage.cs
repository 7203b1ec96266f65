using Microsoft.Win32.SafeHandles;

namespace FailClosed.Gates;

/// <summary>Journal storage over a file handle, with <see cref="RandomAccess"/>.</summary>
internal sealed class FileJournalStorage(SafeFileHandle handle) : IJournalStorage
{
    public long Length => RandomAccess.GetLength(handle);

    public int Read(Span<byte> buffer, long offset) => RandomAccess.Read(handle, buffer, offset);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken) =>
        RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken);

    public void Write(ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(handle, data, offset);

    public void Flush() => RandomAccess.FlushToDisk(handle);

    public void SetLength(long length) => RandomAccess.SetLength(handle, length);

    public void Dispose() => handle.Dispose();
}

namespace FailClosed.Gates.Testing;

/// <summary>Journal storage in a byte array, for scanning thousands of mutated journals quickly.</summary>
internal sealed class MemoryJournalStorage(byte[] bytes) : IJournalStorage
{
    private byte[] _bytes = bytes;

    public long Length => _bytes.Length;

    public int Read(Span<byte> buffer, long offset)
    {
        int count = (int)Math.Max(0, Math.Min(buffer.Length, _bytes.Length - offset));
        _bytes.AsSpan((int)offset, count).CopyTo(buffer);
        return count;
    }

    public void Write(ReadOnlySpan<byte> data, long offset)
    {
        if (offset + data.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, (int)offset + data.Length);
        }

        data.CopyTo(_bytes.AsSpan((int)offset));
    }

    public void Flush()
    {
    }

    public void SetLength(long length) => Array.Resize(ref _bytes, (int)length);

    public void Dispose()
    {
    }
}

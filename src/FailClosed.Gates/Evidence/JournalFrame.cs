using System.Buffers.Binary;

namespace FailClosed.Gates;

/// <summary>
/// The journal's frame: magic "FCJ1" | entry length (uint32 LE) | CRC-32C of length bytes and entry (uint32 LE) | entry.
/// </summary>
internal static class JournalFrame
{
    /// <summary>The length of the frame header.</summary>
    public const int HeaderSize = 12;

    /// <summary>The frame magic, "FCJ1".</summary>
    public static ReadOnlySpan<byte> Magic => "FCJ1"u8;

    /// <summary>Returns the CRC a frame carries for <paramref name="entry"/>.</summary>
    public static uint Checksum(ReadOnlySpan<byte> entry)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)entry.Length);
        return Crc32C.Finish(Crc32C.Append(Crc32C.Append(0xFFFFFFFF, length), entry));
    }

    /// <summary>Writes the header of the frame holding <paramref name="entry"/> into <paramref name="header"/>.</summary>
    public static void WriteHeader(ReadOnlySpan<byte> entry, Span<byte> header)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)entry.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Checksum(entry));
    }

    /// <summary>Returns a whole frame for <paramref name="entry"/>.</summary>
    public static byte[] Create(ReadOnlySpan<byte> entry)
    {
        var frame = new byte[HeaderSize + entry.Length];
        WriteHeader(entry, frame);
        entry.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }
}

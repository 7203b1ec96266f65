using System.Buffers.Binary;
using System.Numerics;

namespace FailClosed.Gates;

/// <summary>CRC-32C (Castagnoli), as used by iSCSI and ext4: reflected, initial value and final XOR 0xFFFFFFFF.</summary>
internal static class Crc32C
{
    /// <summary>Continues a CRC over <paramref name="data"/>; start with <c>0xFFFFFFFF</c> and finish with <see cref="Finish"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    /// <summary>Returns the final CRC value.</summary>
    public static uint Finish(uint crc) => ~crc;

    /// <summary>Returns the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(0xFFFFFFFF, data));
}

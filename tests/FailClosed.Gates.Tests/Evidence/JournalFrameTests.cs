using System.Text;

namespace FailClosed.Gates.Tests.Evidence;

public sealed class JournalFrameTests
{
    [Fact]
    public void Crc32C_CheckValue_IsTheCastagnoliOne()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Create_Frame_IsMagicLengthCrcEntry()
    {
        byte[] entry = Encoding.ASCII.GetBytes("{\"v\":1}");

        byte[] frame = JournalFrame.Create(entry);

        Assert.Equal("FCJ1"u8.ToArray(), frame[..4]);
        Assert.Equal((uint)entry.Length, BitConverter.ToUInt32(frame, 4));
        Assert.Equal(Crc32C.Compute([.. frame[4..8], .. entry]), BitConverter.ToUInt32(frame, 8));
        Assert.Equal(entry, frame[12..]);
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>Creates the id of one execution and reads the W3C trace id it runs in.</summary>
/// <remarks>
/// An execution id is a UUIDv7 whose timestamp comes from the executor's <see cref="TimeProvider"/>: ids sort by
/// creation time (so an operator can read a journal or a queue in order without parsing records), the clock stays
/// the injected one, and its 74 random bits make two executions in the same millisecond distinct. The trace id is
/// not the execution id: many executions share one trace.
/// </remarks>
internal static class ExecutionIds
{
    /// <summary>
    /// Returns a new UUIDv7 in its 36-character lowercase form, stamped with <paramref name="timeProvider"/>'s now; a
    /// clock before 1970 (which a UUIDv7 cannot express) stamps the Unix epoch rather than failing the execution.
    /// </summary>
    public static string New(TimeProvider timeProvider)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        long milliseconds = now < DateTimeOffset.UnixEpoch ? 0 : now.ToUnixTimeMilliseconds();

        // RFC 9562 section 5.7: 48 bits of Unix milliseconds, the version (7), 12 random bits, the variant (10) and
        // 62 random bits, big-endian.
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);
        RandomBytes.Fill(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>
    /// The operating system's cryptographically secure random bytes, fetched 4 KiB at a time per thread:
    /// <see cref="Guid.CreateVersion7(DateTimeOffset)"/> asks the operating system for every id, which on some virtual
    /// machines costs more than the rest of an execution. Each byte is handed out once.
    /// </summary>
    private static class RandomBytes
    {
        private const int BufferBytes = 4096;

        [ThreadStatic]
        private static byte[]? t_buffer;

        [ThreadStatic]
        private static int t_used;

        public static void Fill(Span<byte> destination)
        {
            byte[]? buffer = t_buffer;
            if (buffer is null || t_used + destination.Length > BufferBytes)
            {
                buffer = t_buffer ??= new byte[BufferBytes];
                RandomNumberGenerator.Fill(buffer);
                t_used = 0;
            }

            buffer.AsSpan(t_used, destination.Length).CopyTo(destination);
            t_used += destination.Length;
        }
    }

    /// <summary>Returns the W3C trace id of <see cref="Activity.Current"/>, or <see langword="null"/> when there is no W3C activity.</summary>
    public static string? CurrentTraceId() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;
}

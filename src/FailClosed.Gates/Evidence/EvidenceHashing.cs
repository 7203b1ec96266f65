using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>The RFC 6962 hashes of the evidence log: leaves, interior nodes and the empty tree.</summary>
internal static class EvidenceHashing
{
    /// <summary>The length of every hash, in bytes.</summary>
    public const int HashSize = 32;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>Writes the leaf hash SHA-256(0x00 ‖ entry) into <paramref name="destination"/>.</summary>
    public static void LeafHash(IncrementalHash sha256, ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        ReadOnlySpan<byte> leafPrefix = [0x00];
        sha256.AppendData(leafPrefix);
        sha256.AppendData(entry);
        sha256.GetHashAndReset(destination);
    }

    /// <summary>Writes the leaf hash SHA-256(0x00 ‖ entry) into <paramref name="destination"/>, with the calling thread's hash state.</summary>
    public static void LeafHash(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        ReadOnlySpan<byte> leafPrefix = [0x00];
        HashOnThread(leafPrefix, entry, destination);
    }

    /// <summary>Writes the interior node hash SHA-256(0x01 ‖ left ‖ right) into <paramref name="destination"/>.</summary>
    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        HashOnThread(buffer, default, destination);
    }

    /// <summary>Returns the interior node hash SHA-256(0x01 ‖ left ‖ right).</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    /// <summary>Returns the root of the empty tree, SHA-256 of no bytes.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>Returns the lowercase hex form of a hash.</summary>
    public static string ToHex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    /// <summary>Parses a 64-character hex hash, or returns <see langword="null"/> when it is not one.</summary>
    public static byte[]? TryParseHex(string? hex)
    {
        if (hex is null || hex.Length != HashSize * 2)
        {
            return null;
        }

        var bytes = new byte[HashSize];
        return Convert.FromHexString(hex, bytes, out _, out int written) == System.Buffers.OperationStatus.Done
            && written == HashSize
            ? bytes
            : null;
    }

    /// <summary>
    /// Hashes <paramref name="first"/> ‖ <paramref name="second"/> with the calling thread's SHA-256 state, reused from
    /// hash to hash: with OpenSSL, setting a context up and tearing it down costs more than hashing an interior node,
    /// and a one-shot hash does both every time.
    /// </summary>
    private static void HashOnThread(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        IncrementalHash sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            sha256.AppendData(first);
            if (!second.IsEmpty)
            {
                sha256.AppendData(second);
            }

            sha256.GetHashAndReset(destination);
        }
        catch
        {
            // A state that failed halfway must never hash again: the thread's next hash starts from a new one.
            t_sha256 = null;
            sha256.Dispose();
            throw;
        }
    }
}

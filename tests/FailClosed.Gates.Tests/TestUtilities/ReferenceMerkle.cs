using System.Security.Cryptography;

namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>
/// A deliberately naive RFC 6962 implementation, written from the RFC's recursive definitions, that the tests
/// use as the independent recomputation the library must agree with.
/// </summary>
public static class ReferenceMerkle
{
    public static byte[] Leaf(byte[] entry) => SHA256.HashData([0x00, .. entry]);

    public static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    /// <summary>MTH(D[n]) over leaf hashes.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves) => Root(leaves, 0, leaves.Count);

    public static byte[] Root(IReadOnlyList<byte[]> leaves, int start, int end)
    {
        int n = end - start;
        if (n == 0)
        {
            return SHA256.HashData(Array.Empty<byte>());
        }

        if (n == 1)
        {
            return leaves[start];
        }

        int k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return Node(Root(leaves, start, start + k), Root(leaves, start + k, end));
    }

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}

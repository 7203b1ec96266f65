using System.Security.Cryptography;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

public sealed class MerkleProofsTests
{
    private static readonly List<byte[]> s_leaves = Enumerable.Range(0, 64)
        .Select(static i => ReferenceMerkle.Leaf(BitConverter.GetBytes(i)))
        .ToList();

    [Fact]
    public void Root_EverySizeUpTo64_EqualsIndependentRecomputation()
    {
        var frontier = new MerkleFrontier();
        for (int n = 1; n <= 64; n++)
        {
            frontier.Append(s_leaves[n - 1]);
            byte[] expected = ReferenceMerkle.Root(s_leaves.Take(n).ToList());

            Assert.Equal(expected, MerkleProofs.Root(s_leaves, 0, n));
            Assert.Equal(expected, frontier.Root());
        }
    }

    [Fact]
    public void InclusionProof_EveryLeafOfTreesOf1To64_Verifies()
    {
        for (int n = 1; n <= 64; n++)
        {
            byte[] root = ReferenceMerkle.Root(s_leaves.Take(n).ToList());
            for (int m = 0; m < n; m++)
            {
                List<byte[]> path = MerkleProofs.InclusionPath(s_leaves, m, n);

                Assert.True(MerkleProofs.VerifyInclusion(m, n, s_leaves[m], path, root), $"leaf {m} of {n}");
            }
        }
    }

    [Fact]
    public void InclusionProof_Tampered_IsRejected()
    {
        for (int n = 1; n <= 64; n++)
        {
            byte[] root = ReferenceMerkle.Root(s_leaves.Take(n).ToList());
            for (int m = 0; m < n; m++)
            {
                List<byte[]> path = MerkleProofs.InclusionPath(s_leaves, m, n);
                for (int i = 0; i < path.Count; i++)
                {
                    List<byte[]> altered = path.Select(static p => (byte[])p.Clone()).ToList();
                    altered[i][7] ^= 1;
                    Assert.False(MerkleProofs.VerifyInclusion(m, n, s_leaves[m], altered, root));
                }

                Assert.False(MerkleProofs.VerifyInclusion(m, n, s_leaves[(m + 1) % 64], path, root));
                Assert.False(MerkleProofs.VerifyInclusion(m, n, s_leaves[m], [.. path, root], root));
                if (path.Count > 0)
                {
                    Assert.False(MerkleProofs.VerifyInclusion(m, n, s_leaves[m], path.Take(path.Count - 1).ToList(), root));
                }

                if (n > 1)
                {
                    Assert.False(MerkleProofs.VerifyInclusion((m + 1) % n, n, s_leaves[m], path, root));
                }

                Assert.False(MerkleProofs.VerifyInclusion(n, n, s_leaves[m], path, root));
                byte[] largerRoot = ReferenceMerkle.Root(s_leaves.Take(n + 1 > 64 ? 64 : n + 1).ToList());
                if (n < 64)
                {
                    Assert.False(MerkleProofs.VerifyInclusion(m, n + 1, s_leaves[m], path, largerRoot));
                }
            }
        }
    }

    [Fact]
    public void ConsistencyProof_EveryPairOfSizesUpTo64_Verifies()
    {
        for (int n = 1; n <= 64; n++)
        {
            byte[] second = ReferenceMerkle.Root(s_leaves.Take(n).ToList());
            for (int m = 1; m <= n; m++)
            {
                byte[] first = ReferenceMerkle.Root(s_leaves.Take(m).ToList());
                List<byte[]> proof = MerkleProofs.ConsistencyProof(s_leaves, m, n);

                Assert.True(MerkleProofs.VerifyConsistency(m, n, first, second, proof), $"{m} -> {n}");
            }
        }
    }

    [Fact]
    public void ConsistencyProof_Tampered_IsRejected()
    {
        for (int n = 2; n <= 64; n++)
        {
            byte[] second = ReferenceMerkle.Root(s_leaves.Take(n).ToList());
            for (int m = 1; m < n; m++)
            {
                byte[] first = ReferenceMerkle.Root(s_leaves.Take(m).ToList());
                List<byte[]> proof = MerkleProofs.ConsistencyProof(s_leaves, m, n);
                for (int i = 0; i < proof.Count; i++)
                {
                    List<byte[]> altered = proof.Select(static p => (byte[])p.Clone()).ToList();
                    altered[i][3] ^= 0x80;
                    Assert.False(MerkleProofs.VerifyConsistency(m, n, first, second, altered), $"{m} -> {n}, node {i}");
                }

                Assert.False(MerkleProofs.VerifyConsistency(m, n, second, first, proof));
                Assert.False(MerkleProofs.VerifyConsistency(m, n, first, SHA256.HashData(second), proof));
                Assert.False(MerkleProofs.VerifyConsistency(m, n, first, second, [.. proof, second]));
                Assert.False(MerkleProofs.VerifyConsistency(m, n, first, second, proof.Skip(1).ToList()));
                Assert.False(MerkleProofs.VerifyConsistency(n, m, second, first, proof));
            }
        }
    }
}

namespace FailClosed.Gates;

/// <summary>RFC 6962 proof generation and RFC 9162 (section 2.1.3.2 and 2.1.4.2) proof verification.</summary>
internal static class MerkleProofs
{
    /// <summary>MTH(D[start:end]).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves, long start, long end)
    {
        long n = end - start;
        if (n == 0)
        {
            return EvidenceHashing.EmptyRoot();
        }

        if (n == 1)
        {
            return leaves[(int)start];
        }

        long k = LargestPowerOfTwoBelow(n);
        return EvidenceHashing.NodeHash(Root(leaves, start, start + k), Root(leaves, start + k, end));
    }

    /// <summary>PATH(m, D[0:n]) of RFC 6962 section 2.1.1.</summary>
    public static List<byte[]> InclusionPath(IReadOnlyList<byte[]> leaves, long m, long n)
    {
        var path = new List<byte[]>();
        Path(leaves, m, 0, n, path);
        return path;
    }

    /// <summary>PROOF(m, D[0:n]) of RFC 6962 section 2.1.2.</summary>
    public static List<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leaves, long m, long n)
    {
        var proof = new List<byte[]>();
        if (m > 0 && m < n)
        {
            SubProof(leaves, m, 0, n, true, proof);
        }

        return proof;
    }

    /// <summary>Verifies an inclusion proof as RFC 9162 section 2.1.3.2 specifies.</summary>
    public static bool VerifyInclusion(long index, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= treeSize)
        {
            return false;
        }

        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash.ToArray();
        foreach (byte[] p in path)
        {
            if (sn == 0 || p.Length != EvidenceHashing.HashSize)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = EvidenceHashing.NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = EvidenceHashing.NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>Verifies a consistency proof as RFC 9162 section 2.1.4.2 specifies.</summary>
    public static bool VerifyConsistency(long firstSize, long secondSize, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (firstSize < 0 || firstSize > secondSize)
        {
            return false;
        }

        if (firstSize == secondSize)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        }

        if (firstSize == 0)
        {
            // Every tree extends the empty tree; RFC 9162 defines no proof for it.
            return proof.Count == 0;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((firstSize & (firstSize - 1)) == 0)
        {
            path.Add(firstRoot.ToArray());
        }

        path.AddRange(proof);
        if (path.Count == 0)
        {
            return false;
        }

        foreach (byte[] node in path)
        {
            if (node.Length != EvidenceHashing.HashSize)
            {
                return false;
            }
        }

        long fn = firstSize - 1;
        long sn = secondSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        byte[] fr = path[0];
        byte[] sr = path[0];
        for (int i = 1; i < path.Count; i++)
        {
            byte[] c = path[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = EvidenceHashing.NodeHash(c, fr);
                sr = EvidenceHashing.NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = EvidenceHashing.NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot);
    }

    private static void Path(IReadOnlyList<byte[]> leaves, long m, long start, long end, List<byte[]> path)
    {
        long n = end - start;
        if (n <= 1)
        {
            return;
        }

        long k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(leaves, m, start, start + k, path);
            path.Add(Root(leaves, start + k, end));
        }
        else
        {
            Path(leaves, m - k, start + k, end, path);
            path.Add(Root(leaves, start, start + k));
        }
    }

    private static void SubProof(IReadOnlyList<byte[]> leaves, long m, long start, long end, bool complete, List<byte[]> proof)
    {
        long n = end - start;
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(Root(leaves, start, end));
            }

            return;
        }

        long k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(leaves, m, start, start + k, complete, proof);
            proof.Add(Root(leaves, start + k, end));
        }
        else
        {
            SubProof(leaves, m - k, start + k, end, false, proof);
            proof.Add(Root(leaves, start, start + k));
        }
    }

    private static long LargestPowerOfTwoBelow(long n)
    {
        long k = 1;
        while (k < n - k)
        {
            k <<= 1;
        }

        return k;
    }
}

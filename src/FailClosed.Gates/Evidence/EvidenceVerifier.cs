using System.Text;

namespace FailClosed.Gates;

/// <summary>
/// Verifies a <see cref="FileEvidenceJournal"/> file independently of the writer, and builds and checks RFC 9162
/// inclusion and consistency proofs.
/// </summary>
public static partial class EvidenceVerifier
{
    /// <summary>
    /// Reads every frame, checks its CRC, canonical encoding, sequence and chain, recomputes the Merkle root, and
    /// checks the checkpoint file against <paramref name="trustedKeys"/>.
    /// </summary>
    /// <param name="path">The journal file; its checkpoint is <c>path + ".checkpoint"</c>.</param>
    /// <param name="trustedKeys">The keys a checkpoint may be signed with; when empty, only the chain is checked.</param>
    /// <returns>
    /// The size and root, or the first bad record (index, offset, reason). A torn tail is reported as bad, so verify a
    /// closed journal or a copy: the last frame of a journal being written may be mid-write.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="trustedKeys"/> is null.</exception>
    /// <exception cref="IOException">The journal could not be read.</exception>
    public static EvidenceVerification Verify(string path, IReadOnlyList<CheckpointKey> trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        string checkpointPath = path + ".checkpoint";
        string? note = File.Exists(checkpointPath) ? File.ReadAllText(checkpointPath, Encoding.UTF8) : null;
        using IJournalStorage storage = OpenRead(path);
        return Verify(storage, note, trustedKeys);
    }

    /// <summary>
    /// Verifies the journal as <see cref="Verify(string, IReadOnlyList{CheckpointKey})"/> does, against the given
    /// checkpoint instead of the checkpoint file: an older checkpoint kept by an anchor, or one signed with a key
    /// since rotated (see <see cref="FileEvidenceJournalOptions.PreviousKeys"/>).
    /// </summary>
    /// <param name="path">The journal file.</param>
    /// <param name="checkpointNote">The signed checkpoint note.</param>
    /// <param name="trustedKeys">The keys the checkpoint may be signed with; at least one.</param>
    /// <returns>The size and root, or the first bad record or what is wrong with the checkpoint.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="trustedKeys"/> is empty.</exception>
    /// <exception cref="IOException">The journal could not be read.</exception>
    public static EvidenceVerification Verify(string path, string checkpointNote, IReadOnlyList<CheckpointKey> trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(checkpointNote);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        if (trustedKeys.Count == 0)
        {
            throw new ArgumentException("A checkpoint is checked against at least one trusted key; none was given.", nameof(trustedKeys));
        }

        using IJournalStorage storage = OpenRead(path);
        return Verify(storage, checkpointNote, trustedKeys);
    }

    /// <summary>Builds the inclusion proof of record <paramref name="index"/> in the tree of the first <paramref name="treeSize"/> records.</summary>
    /// <param name="path">The journal file.</param>
    /// <param name="index">The record's sequence.</param>
    /// <param name="treeSize">The tree size to prove against, such as a checkpoint's.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <paramref name="treeSize"/>, or the journal is shorter than <paramref name="treeSize"/>.</exception>
    /// <exception cref="EvidenceUnavailableException">The journal has a bad record within the tree (<see cref="GateCodes.EvidenceTampered"/>).</exception>
    public static InclusionProof ProveInclusion(string path, long index, long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, treeSize);
        List<byte[]> leaves = ReadLeaves(path, treeSize);
        return new InclusionProof(index, treeSize, ToHex(MerkleProofs.InclusionPath(leaves, index, treeSize)));
    }

    /// <summary>Builds the consistency proof between the trees of the first <paramref name="firstSize"/> and <paramref name="secondSize"/> records.</summary>
    /// <param name="path">The journal file.</param>
    /// <param name="firstSize">The older tree size, at least 1.</param>
    /// <param name="secondSize">The newer tree size, at least <paramref name="firstSize"/>.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are out of order or beyond the journal.</exception>
    /// <exception cref="EvidenceUnavailableException">The journal has a bad record within the tree (<see cref="GateCodes.EvidenceTampered"/>).</exception>
    public static ConsistencyProof ProveConsistency(string path, long firstSize, long secondSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(secondSize, firstSize);
        List<byte[]> leaves = ReadLeaves(path, secondSize);
        return new ConsistencyProof(firstSize, secondSize, ToHex(MerkleProofs.ConsistencyProof(leaves, firstSize, secondSize)));
    }

    /// <summary>Checks an inclusion proof with the algorithm of RFC 9162 section 2.1.3.2.</summary>
    /// <param name="proof">The proof.</param>
    /// <param name="leafHash">The record's lowercase hex leaf hash (its <see cref="EvidenceRecord.Hash"/>).</param>
    /// <param name="rootHash">The trusted root of the tree of <see cref="InclusionProof.TreeSize"/> records.</param>
    /// <returns>True only when the proof is well formed and leads to <paramref name="rootHash"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool VerifyInclusion(InclusionProof proof, string leafHash, string rootHash)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(leafHash);
        ArgumentNullException.ThrowIfNull(rootHash);
        byte[]? leaf = EvidenceHashing.TryParseHex(leafHash);
        byte[]? root = EvidenceHashing.TryParseHex(rootHash);
        List<byte[]>? path = FromHex(proof.AuditPath);
        return leaf is not null && root is not null && path is not null
            && MerkleProofs.VerifyInclusion(proof.LeafIndex, proof.TreeSize, leaf, path, root);
    }

    /// <summary>Checks a consistency proof with the algorithm of RFC 9162 section 2.1.4.2.</summary>
    /// <param name="proof">The proof.</param>
    /// <param name="firstRootHash">The trusted root of the older tree.</param>
    /// <param name="secondRootHash">The trusted root of the newer tree.</param>
    /// <returns>True only when the proof is well formed and links both roots.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool VerifyConsistency(ConsistencyProof proof, string firstRootHash, string secondRootHash)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(firstRootHash);
        ArgumentNullException.ThrowIfNull(secondRootHash);
        byte[]? first = EvidenceHashing.TryParseHex(firstRootHash);
        byte[]? second = EvidenceHashing.TryParseHex(secondRootHash);
        List<byte[]>? path = FromHex(proof.Path);
        return first is not null && second is not null && path is not null
            && MerkleProofs.VerifyConsistency(proof.FirstSize, proof.SecondSize, first, second, path);
    }

    internal static EvidenceVerification Verify(IJournalStorage storage, string? note, IReadOnlyList<CheckpointKey> trustedKeys)
    {
        EvidenceCheckpoint? checkpoint = CheckNote(note, "the checkpoint file is missing", trustedKeys, out string? checkpointProblem);
        using JournalScan scan = JournalScanner.Scan(storage, checkpoint?.TreeSize ?? -1, keepLeaves: false);
        if (scan.Defect is { } defect)
        {
            string reason = defect.IsTornTail ? defect.Reason + " (a torn tail: opening the journal would cut it and record a Recovery)" : defect.Reason;
            return new EvidenceVerification(scan.Log.Size, EvidenceHashing.ToHex(scan.Log.Root()), null, defect.Index, defect.Offset, reason);
        }

        return Conclude(scan.Log, scan.CheckpointRoot, checkpoint, checkpointProblem, scan.KeyRotations, trustedKeys);
    }

    /// <summary>Parses and verifies the checkpoint note when keys are given; returns it, or null and why not.</summary>
    private static EvidenceCheckpoint? CheckNote(string? note, string missing, IReadOnlyList<CheckpointKey> trustedKeys, out string? problem)
    {
        problem = null;
        if (trustedKeys.Count == 0)
        {
            return null;
        }

        if (note is null)
        {
            problem = missing;
            return null;
        }

        EvidenceCheckpoint? checkpoint = CheckpointNote.TryVerify(note, trustedKeys, out string reason);
        problem = checkpoint is null ? reason : null;
        return checkpoint;
    }

    /// <summary>Judges a log whose every record verified against its checkpoint, and the key that signed it.</summary>
    private static EvidenceVerification Conclude(
        EvidenceLog log,
        byte[]? checkpointRoot,
        EvidenceCheckpoint? checkpoint,
        string? checkpointProblem,
        IReadOnlyList<EvidenceRecord> keyRotations,
        IReadOnlyList<CheckpointKey> trustedKeys)
    {
        string root = EvidenceHashing.ToHex(log.Root());
        if (checkpointProblem is not null)
        {
            return new EvidenceVerification(log.Size, root, null, null, null, checkpointProblem);
        }

        if (checkpoint is not null)
        {
            if (checkpointRoot is null)
            {
                return new EvidenceVerification(log.Size, root, null, null, null, $"the journal holds {log.Size} records but its checkpoint commits to {checkpoint.TreeSize}: records were cut");
            }

            string atCheckpoint = EvidenceHashing.ToHex(checkpointRoot);
            if (atCheckpoint != checkpoint.RootHash)
            {
                return new EvidenceVerification(log.Size, root, null, null, null, $"the root of the first {checkpoint.TreeSize} records is {atCheckpoint}, not the checkpoint's {checkpoint.RootHash}");
            }

            if (KeyRotationRule.Check(keyRotations, checkpoint.Note, trustedKeys) is { } rotation)
            {
                return new EvidenceVerification(log.Size, root, null, null, null, rotation);
            }
        }

        return new EvidenceVerification(log.Size, root, checkpoint, null, null, null);
    }

    internal static IJournalStorage OpenRead(string path) =>
        new FileJournalStorage(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));

    private static List<byte[]> ReadLeaves(string path, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(path);
        using IJournalStorage storage = OpenRead(path);
        using JournalScan scan = JournalScanner.Scan(storage, -1, keepLeaves: true);
        if (scan.Defect is { } defect && defect.Index < treeSize)
        {
            throw new EvidenceUnavailableException(GateCodes.EvidenceTampered, $"The journal '{path}' has a bad record {defect.Index} at byte {defect.Offset} ({defect.Reason}); no proof over {treeSize} records can be built.");
        }

        if (scan.Leaves!.Count < treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(treeSize), treeSize, $"The tree size {treeSize} is larger than the journal's {scan.Leaves.Count} records.");
        }

        return scan.Leaves;
    }

    private static string[] ToHex(List<byte[]> hashes)
    {
        var hex = new string[hashes.Count];
        for (int i = 0; i < hex.Length; i++)
        {
            hex[i] = EvidenceHashing.ToHex(hashes[i]);
        }

        return hex;
    }

    private static List<byte[]>? FromHex(IReadOnlyList<string>? hashes)
    {
        if (hashes is null)
        {
            return null;
        }

        var list = new List<byte[]>(hashes.Count);
        foreach (string hash in hashes)
        {
            if (EvidenceHashing.TryParseHex(hash) is not { } bytes)
            {
                return null;
            }

            list.Add(bytes);
        }

        return list;
    }
}

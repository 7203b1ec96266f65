using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FailClosed.Gates;

/// <summary>Formats, signs, parses and verifies checkpoints as C2SP signed notes.</summary>
internal static class CheckpointNote
{
    private const string SignaturePrefix = "\u2014 ";

    /// <summary>Returns the signed note for a checkpoint.</summary>
    public static EvidenceCheckpoint Sign(string origin, long treeSize, ReadOnlySpan<byte> root, CheckpointKey key)
    {
        string body = Body(origin, treeSize, root);
        byte[] signature = key.Key.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        string note = body + "\n" + SignaturePrefix + key.Name + " " + Convert.ToBase64String([.. key.KeyId, .. signature]) + "\n";
        return new EvidenceCheckpoint(origin, treeSize, EvidenceHashing.ToHex(root), note);
    }

    /// <summary>
    /// Parses a signed note and verifies it against <paramref name="trustedKeys"/>; returns null and a reason when
    /// it is malformed or no trusted key's signature verifies.
    /// </summary>
    public static EvidenceCheckpoint? TryVerify(string note, IReadOnlyList<CheckpointKey> trustedKeys, out string reason) =>
        TryVerify(note, trustedKeys, out reason, out _);

    /// <summary>As <see cref="TryVerify(string, IReadOnlyList{CheckpointKey}, out string)"/>, also returning the first trusted key whose signature verified.</summary>
    public static EvidenceCheckpoint? TryVerify(string note, IReadOnlyList<CheckpointKey> trustedKeys, out string reason, out CheckpointKey? signer)
    {
        signer = null;
        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            reason = "the checkpoint is not a signed note (no blank line before the signatures, or no final newline)";
            return null;
        }

        string body = note[..(split + 1)];
        string[] lines = body.Split('\n');
        if (lines.Length < 4
            || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
            || lines[1] != size.ToString(CultureInfo.InvariantCulture))
        {
            reason = "the checkpoint body is not 'origin, size, root' lines";
            return null;
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            root = [];
        }

        if (root.Length != EvidenceHashing.HashSize)
        {
            reason = $"the checkpoint root '{lines[2]}' is not a base64 SHA-256 hash";
            return null;
        }

        byte[] bodyBytes = Encoding.UTF8.GetBytes(body);
        bool verified = false;
        foreach (string line in note[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                signer = null;
                reason = $"the checkpoint has a malformed signature line '{line}'";
                return null;
            }

            string[] parts = line[SignaturePrefix.Length..].Split(' ');
            byte[] signature;
            try
            {
                signature = parts.Length == 2 ? Convert.FromBase64String(parts[1]) : [];
            }
            catch (FormatException)
            {
                signature = [];
            }

            if (signature.Length <= 4)
            {
                signer = null;
                reason = $"the checkpoint has a malformed signature line '{line}'";
                return null;
            }

            foreach (CheckpointKey key in trustedKeys)
            {
                // Signatures from unknown keys are ignored; a known key's bad signature rejects the note.
                if (key.Name != parts[0] || !signature.AsSpan(0, 4).SequenceEqual(key.KeyId))
                {
                    continue;
                }

                if (!key.Key.VerifyData(bodyBytes, signature.AsSpan(4), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
                {
                    signer = null;
                    reason = $"the checkpoint signature by key '{key.Name}' does not verify";
                    return null;
                }

                verified = true;
                signer ??= key;
            }
        }

        if (!verified)
        {
            signer = null;
            reason = "the checkpoint is not signed by a trusted key";
            return null;
        }

        reason = string.Empty;
        return new EvidenceCheckpoint(lines[0], size, EvidenceHashing.ToHex(root), note);
    }

    private static string Body(string origin, long treeSize, ReadOnlySpan<byte> root) =>
        string.Create(CultureInfo.InvariantCulture, $"{origin}\n{treeSize}\n{Convert.ToBase64String(root)}\n");
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace FailClosed.Gates;

/// <summary>
/// What the <see cref="EvidenceKind.KeyRotation"/> records inside a checkpoint's tree demand of that checkpoint: it is
/// signed by the key the last of them moved to, and no rotation moves back to a key an earlier one retired. Without
/// this, whoever holds a retired key (the usual reason to rotate) could append records and sign their checkpoint with
/// it, or rotate back to it with only the new key's public part, and every verifier that still trusts the old key for
/// older checkpoints would accept the forgery.
/// </summary>
internal static partial class KeyRotationRule
{
    /// <summary>The action of the KeyRotation records the journal writes.</summary>
    public const string Action = "evidence.journal.rotate-key";

    /// <summary>Returns why <paramref name="note"/> may not commit to a tree holding <paramref name="rotations"/>, or null when it may.</summary>
    /// <param name="rotations">The KeyRotation records among the checkpoint's records, in order.</param>
    /// <param name="note">The signed checkpoint, already verified against <paramref name="trustedKeys"/>.</param>
    /// <param name="trustedKeys">The keys the caller trusts.</param>
    public static string? Check(IReadOnlyList<EvidenceRecord> rotations, string note, IReadOnlyList<CheckpointKey> trustedKeys)
    {
        if (rotations.Count == 0)
        {
            return null;
        }

        var retired = new Dictionary<string, long>(StringComparer.Ordinal);
        string lastName = string.Empty;
        string lastId = string.Empty;
        long lastSequence = -1;
        foreach (EvidenceRecord rotation in rotations)
        {
            if (rotation.Action != Action || rotation.Gate != nameof(FileEvidenceJournal))
            {
                continue; // appended by the application, not written by the journal when it rotated
            }

            MatchCollection keys = KeyPattern().Matches(rotation.Detail ?? string.Empty);
            if (keys.Count < 2)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the KeyRotation record {rotation.Sequence} does not name its new and previous keys");
            }

            string newKey = Identity(keys[0]);
            if (retired.TryGetValue(newKey, out long retiredAt))
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"the KeyRotation record {rotation.Sequence} moves signing back to key '{keys[0].Groups["name"].Value}', which record {retiredAt} retired; a retired key signs nothing again");
            }

            retired.TryAdd(Identity(keys[1]), rotation.Sequence);
            lastName = keys[0].Groups["name"].Value;
            lastId = keys[0].Groups["id"].Value;
            lastSequence = rotation.Sequence;
        }

        if (lastSequence < 0)
        {
            return null;
        }

        var current = new List<CheckpointKey>(1);
        foreach (CheckpointKey key in trustedKeys)
        {
            if (key.Name == lastName && Convert.ToHexStringLower(key.KeyId) == lastId)
            {
                current.Add(key);
            }
        }

        return CheckpointNote.TryVerify(note, current, out _) is null
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"the checkpoint commits to the KeyRotation record {lastSequence}, which moved signing to key '{lastName}' (key id {lastId}), but that key did not sign it (a key a rotation retired signs no checkpoint after it)")
            : null;
    }

    /// <summary>Returns the sequence of the journal's KeyRotation record that retired <paramref name="key"/>, or null when none did.</summary>
    public static long? RetiredAt(IReadOnlyList<EvidenceRecord> rotations, CheckpointKey key)
    {
        string identity = key.Name + " " + Convert.ToHexStringLower(key.KeyId);
        foreach (EvidenceRecord rotation in rotations)
        {
            if (rotation.Action == Action && rotation.Gate == nameof(FileEvidenceJournal)
                && KeyPattern().Matches(rotation.Detail ?? string.Empty) is { Count: >= 2 } keys && Identity(keys[1]) == identity)
            {
                return rotation.Sequence;
            }
        }

        return null;
    }

    private static string Identity(Match key) => key.Groups["name"].Value + " " + key.Groups["id"].Value;

    // KeyRotation details name the new key first, then the previous one: "key 'name' (key id 0a1b2c3d)". Key names
    // have no spaces, so the pattern cannot run across two of them.
    [GeneratedRegex(@"key '(?<name>[^ ]+)' \(key id (?<id>[0-9a-f]{8})\)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex KeyPattern();
}

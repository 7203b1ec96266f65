using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Evidence;

/// <summary>
/// A key that a KeyRotation record retired signs nothing after it: whoever still holds it (the reason to rotate)
/// can neither sign a checkpoint over the rotated journal nor rotate back to it, though verifiers keep trusting it
/// for the checkpoints it signed before.
/// </summary>
public sealed class KeyRotationTrustTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string JournalPath => _dir.File("evidence.journal");

    private string CheckpointPath => JournalPath + ".checkpoint";

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Verify_CheckpointOverARotationSignedByTheRetiredKey_IsInvalid()
    {
        await CreateRotatedJournalAsync();
        EvidenceVerification honest = EvidenceVerifier.Verify(JournalPath, [JournalTesting.OtherKey]);
        Assert.True(honest.IsValid, honest.ToString());

        // Whoever holds the old private key re-signs the rotated journal (as they would after appending forgeries).
        string forged = CheckpointNote.Sign(JournalTesting.Origin, honest.TreeSize, Convert.FromHexString(honest.RootHash), JournalTesting.Key).Note;
        await File.WriteAllTextAsync(CheckpointPath, forged);

        EvidenceVerification both = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key, JournalTesting.OtherKey]);
        Assert.False(both.IsValid);
        Assert.Contains("KeyRotation record 2", both.ToString(), StringComparison.Ordinal);
        Assert.False(EvidenceVerifier.Verify(JournalPath, forged, [JournalTesting.Key]).IsValid);
    }

    [Fact]
    public async Task Open_CheckpointOverARotationSignedByTheRetiredKey_ThrowsTampered()
    {
        await CreateRotatedJournalAsync();
        EvidenceVerification honest = EvidenceVerifier.Verify(JournalPath, [JournalTesting.OtherKey]);
        string forged = CheckpointNote.Sign(JournalTesting.Origin, honest.TreeSize, Convert.FromHexString(honest.RootHash), JournalTesting.Key).Note;
        await File.WriteAllTextAsync(CheckpointPath, forged);

        EvidenceUnavailableException exception = Assert.Throws<EvidenceUnavailableException>(
            () => FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, key: JournalTesting.OtherKey, previousKeys: [JournalTesting.Key])));

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
        Assert.Contains("did not sign it", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RotationBackToTheRetiredKey_IsInvalid()
    {
        await CreateRotatedJournalAsync();

        // Whoever holds the old private key appends a rotation back to it and signs the result with it.
        var storage = new FileJournalStorage(File.OpenHandle(JournalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read));
        using (storage)
        {
            using JournalScan scan = JournalScanner.Scan(storage, -1, keepLeaves: false);
            byte[] content = EvidenceEncoding.EncodeContent(EvidenceSamples.Record(0) with
            {
                Kind = EvidenceKind.KeyRotation,
                Action = KeyRotationRule.Action,
                Gate = nameof(FileEvidenceJournal),
                Detail = $"Checkpoints are signed with key '{JournalTesting.Key.Name}' (key id {Convert.ToHexStringLower(JournalTesting.Key.KeyId)}) from this record on. The checkpoint before was signed with key '{JournalTesting.OtherKey.Name}' (key id {Convert.ToHexStringLower(JournalTesting.OtherKey.KeyId)}).",
            });
            var entry = new byte[scan.Log.NextEntryLength(content.Length)];
            var leaf = new byte[EvidenceHashing.HashSize];
            scan.Log.Append(content, entry, leaf);
            storage.Write(JournalFrame.Create(entry), scan.ValidLength);
            storage.Flush();
            string note = CheckpointNote.Sign(JournalTesting.Origin, scan.Log.Size, scan.Log.Root(), JournalTesting.Key).Note;
            await File.WriteAllTextAsync(CheckpointPath, note);
        }

        EvidenceVerification result = EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key, JournalTesting.OtherKey]);
        Assert.False(result.IsValid);
        Assert.Contains("moves signing back to key", result.ToString(), StringComparison.Ordinal);
        Assert.Equal(
            GateCodes.EvidenceTampered,
            Assert.Throws<EvidenceUnavailableException>(
                () => FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, key: JournalTesting.OtherKey, previousKeys: [JournalTesting.Key]))).Code);
    }

    [Fact]
    public async Task Open_RotatingBackToTheRetiredKey_ThrowsAndLeavesTheJournalUnchanged()
    {
        await CreateRotatedJournalAsync();
        byte[] before = await File.ReadAllBytesAsync(JournalPath);

        EvidenceUnavailableException exception = Assert.Throws<EvidenceUnavailableException>(
            () => FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, key: JournalTesting.Key, previousKeys: [JournalTesting.OtherKey])));

        Assert.Contains("retired by its KeyRotation record 2", exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(JournalPath));
        Assert.True(EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key, JournalTesting.OtherKey]).IsValid);
    }

    [Fact]
    public async Task Verify_CheckpointTheOldKeySignedBeforeTheRotation_StaysValid()
    {
        await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath)))
        {
            await journal.AppendAsync(EvidenceSamples.Record(0));
            await journal.AppendAsync(EvidenceSamples.Record(1));
        }

        string before = await File.ReadAllTextAsync(CheckpointPath);
        await CreateRotatedJournalAsync(create: false);

        Assert.True(EvidenceVerifier.Verify(JournalPath, before, [JournalTesting.Key, JournalTesting.OtherKey]).IsValid);
        Assert.True(EvidenceVerifier.Verify(JournalPath, [JournalTesting.Key, JournalTesting.OtherKey]).IsValid);
    }

    /// <summary>Two records signed with the old key, then a rotation (record 2) and one record under the new key.</summary>
    private async Task CreateRotatedJournalAsync(bool create = true)
    {
        if (create)
        {
            await using FileEvidenceJournal journal = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath));
            await journal.AppendAsync(EvidenceSamples.Record(0));
            await journal.AppendAsync(EvidenceSamples.Record(1));
        }

        await using FileEvidenceJournal rotated = FileEvidenceJournal.Open(JournalTesting.Options(JournalPath, key: JournalTesting.OtherKey, previousKeys: [JournalTesting.Key]));
        await rotated.AppendAsync(EvidenceSamples.Record(3));
    }
}

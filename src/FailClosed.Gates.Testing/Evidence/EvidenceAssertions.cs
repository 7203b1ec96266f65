namespace FailClosed.Gates.Testing;

/// <summary>Assertions on evidence that throw <see cref="EvidenceAssertionException"/> (not a test framework's exception).</summary>
public static class EvidenceAssertions
{
    /// <summary>
    /// Asserts that the records of one execution are in order: sequences increase, at most one Intent and one Outcome,
    /// an Outcome only after its Intent, and an Intent when the side effect ran.
    /// </summary>
    /// <param name="records">Stored records (of any executions), in the order they were stored.</param>
    /// <param name="executionId">The execution to check.</param>
    /// <param name="sideEffectRan">Whether the side effect ran, so an Intent must exist.</param>
    /// <returns>The execution's records, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> or <paramref name="executionId"/> is null.</exception>
    /// <exception cref="EvidenceAssertionException">The records are missing or out of order.</exception>
    public static IReadOnlyList<EvidenceRecord> ExecutionInOrder(IEnumerable<EvidenceRecord> records, string executionId, bool sideEffectRan = true)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(executionId);
        EvidenceRecord[] mine = [.. records.Where(r => r.ExecutionId == executionId)];
        string trail = mine.Length == 0 ? "none" : string.Join(", ", mine.Select(r => $"#{r.Sequence} {r.Kind}"));
        if (mine.Length == 0)
        {
            throw new EvidenceAssertionException($"No record of execution '{executionId}' was stored; every execution must leave evidence.");
        }

        for (int i = 1; i < mine.Length; i++)
        {
            if (mine[i].Sequence <= mine[i - 1].Sequence)
            {
                throw new EvidenceAssertionException($"The records of execution '{executionId}' are out of sequence order ({trail}); records must be stored in the order they happened.");
            }
        }

        int intent = Array.FindIndex(mine, r => r.Kind == EvidenceKind.Intent);
        int outcome = Array.FindIndex(mine, r => r.Kind == EvidenceKind.Outcome);
        if (mine.Count(r => r.Kind == EvidenceKind.Intent) > 1 || mine.Count(r => r.Kind == EvidenceKind.Outcome) > 1)
        {
            throw new EvidenceAssertionException($"Execution '{executionId}' has more than one Intent or Outcome ({trail}); an execution runs its side effect at most once.");
        }

        if (outcome >= 0 && (intent < 0 || intent > outcome))
        {
            throw new EvidenceAssertionException($"Execution '{executionId}' has an Outcome without an Intent before it ({trail}); the Intent must be stored before the side effect runs.");
        }

        if (sideEffectRan && intent < 0)
        {
            throw new EvidenceAssertionException($"The side effect of execution '{executionId}' ran, but no Intent record was stored ({trail}); a side effect runs only after its Intent is acknowledged.");
        }

        return mine;
    }

    /// <summary>Asserts that the journal at <paramref name="path"/> verifies against <paramref name="trustedKeys"/>.</summary>
    /// <param name="path">The journal file.</param>
    /// <param name="trustedKeys">The checkpoint keys to trust.</param>
    /// <returns>The (valid) verification.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="trustedKeys"/> is null.</exception>
    /// <exception cref="EvidenceAssertionException">The journal does not verify.</exception>
    public static EvidenceVerification JournalVerifies(string path, IReadOnlyList<CheckpointKey> trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        EvidenceVerification verification = EvidenceVerifier.Verify(path, trustedKeys);
        if (!verification.IsValid)
        {
            throw new EvidenceAssertionException($"The journal '{path}' does not verify: {verification}.");
        }

        return verification;
    }
}

namespace FailClosed.Gates.Samples.RetrievalGuard;

/// <summary>How the document ACL service behaves in one scenario.</summary>
internal enum AclBehaviour
{
    Complete,
    MissesSomeIds,
    SaysPartial,
    MetadataFilterFailsToLoad,
    Hangs,
}

/// <summary>A document ACL service: alice may read the handbook and the travel policy, not the salary or M&amp;A files.</summary>
internal sealed class AclService : IEntitlementSource
{
    private static readonly HashSet<string> AliceMayRead = new(StringComparer.Ordinal) { "doc-handbook", "doc-travel" };

    public AclBehaviour Behaviour { get; set; }

    public async ValueTask<EntitlementAnswer> GetEntitlementsAsync(string subject, IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        IEnumerable<string> granted = itemIds.Where(id => subject == "alice" && AliceMayRead.Contains(id));
        IEnumerable<string> refused = itemIds.Where(id => !(subject == "alice" && AliceMayRead.Contains(id)));
        switch (Behaviour)
        {
            case AclBehaviour.MissesSomeIds:
                // A shard did not answer: the salary file is in neither list.
                return new EntitlementAnswer(granted, refused.Where(id => id != "doc-salaries"));
            case AclBehaviour.SaysPartial:
                return EntitlementAnswer.Partial(granted);
            case AclBehaviour.MetadataFilterFailsToLoad:
                throw new InvalidDataException("The metadata filter 'department in (...)' could not be loaded.");
            case AclBehaviour.Hangs:
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
                break;
        }

        return new EntitlementAnswer(granted, refused);
    }
}

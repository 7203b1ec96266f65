namespace FailClosed.Gates;

/// <summary>
/// Answers which of a list of items a subject is entitled to: an entitlement service, a document ACL store, a
/// metadata filter. Implemented by the host; <see cref="EntitlementFilter"/> bounds it and judges its answer.
/// </summary>
public interface IEntitlementSource
{
    /// <summary>Asks which of <paramref name="itemIds"/> <paramref name="subject"/> may see.</summary>
    /// <param name="subject">The subject the entitlements are for.</param>
    /// <param name="itemIds">The requested item ids, without duplicates.</param>
    /// <param name="cancellationToken">Canceled when the caller gives up or the filter's time limit passes.</param>
    /// <returns>The answer: for every requested id, granted or refused; partial answers say so.</returns>
    ValueTask<EntitlementAnswer> GetEntitlementsAsync(string subject, IReadOnlyList<string> itemIds, CancellationToken cancellationToken);
}

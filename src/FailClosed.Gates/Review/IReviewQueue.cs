namespace FailClosed.Gates;

/// <summary>
/// A durable store of review tickets: requests the automated path refused, waiting for human review. The executor
/// decides every change (rules, roles, evidence); the queue keeps tickets and applies changes atomically.
/// </summary>
/// <remarks>
/// <para>
/// Implementations must make <see cref="EnqueueAsync"/> and <see cref="ApplyAsync"/> durable before they complete,
/// and apply a transition only when the ticket is still at its expected version (compare-and-set), so that two
/// processes sharing a queue can never both count a vote or both run an approval. Telemetry (counts of enqueued,
/// approved and rejected tickets, the pending count) fits as a decorator over this interface.
/// </para>
/// </remarks>
public interface IReviewQueue
{
    /// <summary>Queues <paramref name="request"/> as a new Pending ticket. Throws when it cannot; the request then stays blocked.</summary>
    /// <param name="request">What was refused and why, with its ticket id and request digest.</param>
    /// <param name="cancellationToken">Cancels waiting for the queue.</param>
    /// <returns>The new ticket (version 0).</returns>
    ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default);

    /// <summary>Finds a ticket by id.</summary>
    /// <param name="ticketId">The ticket id.</param>
    /// <param name="cancellationToken">Cancels waiting for the queue.</param>
    /// <returns>The ticket as it is now, or <see langword="null"/> when there is none with that id.</returns>
    ValueTask<ReviewTicket?> FindAsync(string ticketId, CancellationToken cancellationToken = default);

    /// <summary>Lists the tickets <paramref name="filter"/> selects, oldest first.</summary>
    /// <param name="filter">What to select.</param>
    /// <param name="cancellationToken">Cancels waiting for the queue.</param>
    /// <returns>A snapshot.</returns>
    ValueTask<IReadOnlyList<ReviewTicket>> ListAsync(ReviewTicketFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="transition"/> if the ticket is still at its expected version and the change is legal.</summary>
    /// <param name="transition">The change.</param>
    /// <param name="cancellationToken">Cancels waiting for the queue.</param>
    /// <returns>The changed ticket.</returns>
    /// <exception cref="ReviewConflictException">The ticket is missing, changed since, or cannot make this change.</exception>
    ValueTask<ReviewTicket> ApplyAsync(ReviewTransition transition, CancellationToken cancellationToken = default);
}

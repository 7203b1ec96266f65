namespace FailClosed.Gates;

/// <summary>Takes requests the automated path refused and hands them to out-of-band human review.</summary>
public interface IReviewQueue
{
    /// <summary>Queues <paramref name="request"/> for review. Throws when it cannot; the request then stays blocked.</summary>
    /// <param name="request">What was refused and why.</param>
    /// <param name="cancellationToken">Cancels waiting for the queue.</param>
    /// <returns>The ticket a reviewer will act on.</returns>
    ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default);
}

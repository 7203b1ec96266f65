namespace FailClosed.Gates;

/// <summary>
/// A process-local <see cref="IReviewQueue"/> with the same contract as <see cref="FileReviewQueue"/>, for tests and
/// samples; tickets are lost when the process ends.
/// </summary>
/// <remarks>Thread-safe; every operation completes synchronously.</remarks>
public sealed class InMemoryReviewQueue : IReviewQueue
{
    private readonly Lock _lock = new();
    private readonly ReviewTicketBook _book = new();

    /// <summary>Gets a snapshot of every ticket, oldest first.</summary>
    public IReadOnlyList<ReviewTicket> Tickets
    {
        get
        {
            lock (_lock)
            {
                return _book.List(ReviewTicketFilter.All);
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">The request's digest is not the hash of its description, or it carries an Allow decision.</exception>
    /// <exception cref="ReviewConflictException">A ticket with the same id is already queued.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> is canceled.</exception>
    public ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ReviewTicket ticket = _book.Admit(request);
            _book.Store(ticket);
            return new ValueTask<ReviewTicket>(ticket);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="ticketId"/> is null.</exception>
    public ValueTask<ReviewTicket?> FindAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return new ValueTask<ReviewTicket?>(_book.Find(ticketId));
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
    public ValueTask<IReadOnlyList<ReviewTicket>> ListAsync(ReviewTicketFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return new ValueTask<IReadOnlyList<ReviewTicket>>(_book.List(filter));
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="transition"/> is null.</exception>
    public ValueTask<ReviewTicket> ApplyAsync(ReviewTransition transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ReviewTicket next = _book.Next(transition);
            _book.Store(next);
            return new ValueTask<ReviewTicket>(next);
        }
    }
}

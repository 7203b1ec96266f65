using System.Globalization;

namespace FailClosed.Gates;

/// <summary>A process-local <see cref="IReviewQueue"/> for tests and samples; requests are lost when the process ends.</summary>
public sealed class InMemoryReviewQueue : IReviewQueue
{
    private readonly object _lock = new();
    private readonly List<ReviewRequest> _requests = [];
    private readonly List<ReviewTicket> _tickets = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="InMemoryReviewQueue"/> class.</summary>
    /// <param name="timeProvider">Stamps tickets; <see cref="TimeProvider.System"/> when null.</param>
    public InMemoryReviewQueue(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets a snapshot of the queued requests, oldest first.</summary>
    public IReadOnlyList<ReviewRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets a snapshot of the issued tickets, oldest first, parallel to <see cref="Requests"/>.</summary>
    public IReadOnlyList<ReviewTicket> Tickets
    {
        get
        {
            lock (_lock)
            {
                return [.. _tickets];
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> is canceled.</exception>
    public ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        DateTimeOffset now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            var ticket = new ReviewTicket(
                string.Create(CultureInfo.InvariantCulture, $"review-{_tickets.Count + 1:D6}"),
                request.Action,
                request.ExecutionId,
                request.TraceId,
                now);
            _requests.Add(request);
            _tickets.Add(ticket);
            return new ValueTask<ReviewTicket>(ticket);
        }
    }
}

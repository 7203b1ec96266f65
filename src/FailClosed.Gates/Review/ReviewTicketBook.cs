using System.Globalization;

namespace FailClosed.Gates;

/// <summary>The tickets of one queue and the legal changes to them; the state machine every queue shares. Not thread-safe.</summary>
internal sealed class ReviewTicketBook
{
    private readonly Dictionary<string, ReviewTicket> _tickets = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public int Count => _order.Count;

    public ReviewTicket? Find(string ticketId) => _tickets.GetValueOrDefault(ticketId);

    public IReadOnlyList<ReviewTicket> List(ReviewTicketFilter filter)
    {
        var selected = new List<ReviewTicket>();
        foreach (string id in _order)
        {
            ReviewTicket ticket = _tickets[id];
            if (filter.Matches(ticket))
            {
                selected.Add(ticket);
            }
        }

        // Oldest first; the insertion order breaks ties.
        return [.. selected.OrderBy(static t => t.CreatedAt)];
    }

    /// <summary>Checks that <paramref name="request"/> can become a new ticket and returns it, without storing it.</summary>
    public ReviewTicket Admit(ReviewRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TicketId, "request.TicketId");
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Action, "request.Action");
        ArgumentNullException.ThrowIfNull(request.ExecutionId, "request.ExecutionId");
        ArgumentNullException.ThrowIfNull(request.RequestDescription, "request.RequestDescription");
        ArgumentNullException.ThrowIfNull(request.Pins, "request.Pins");
        if (!RequestDescription.Matches(request.RequestDescription, request.RequestDigest ?? string.Empty))
        {
            throw new ArgumentException($"The request digest '{request.RequestDigest}' of ticket '{request.TicketId}' is not the SHA-256 of its description.", nameof(request));
        }

        if (request.Decision.IsAllowed)
        {
            throw new ArgumentException($"Ticket '{request.TicketId}' carries an Allow decision; a ticket is created only for a refused request.", nameof(request));
        }

        return _tickets.ContainsKey(request.TicketId)
            ? throw new ReviewConflictException($"A ticket with id '{request.TicketId}' is already queued; ticket ids are unique.")
            : ReviewTicket.FromRequest(request);
    }

    /// <summary>Checks <paramref name="transition"/> against the ticket as it is now and returns the changed ticket, without storing it.</summary>
    public ReviewTicket Next(ReviewTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        if (!_tickets.TryGetValue(transition.TicketId ?? string.Empty, out ReviewTicket? ticket))
        {
            throw new ReviewConflictException($"No ticket has id '{transition.TicketId}'.");
        }

        if (ticket.Version != transition.ExpectedVersion)
        {
            throw new ReviewConflictException(string.Create(
                CultureInfo.InvariantCulture,
                $"Ticket '{ticket.Id}' is at version {ticket.Version}, not {transition.ExpectedVersion}: it changed since the transition was decided."));
        }

        bool legal = transition.Kind switch
        {
            ReviewTransitionKind.Approve => ticket.State == ReviewTicketState.Pending
                && transition.NewState is ReviewTicketState.Pending or ReviewTicketState.Approved && IsNewVoter(ticket, transition.Vote),
            ReviewTransitionKind.Reject => ticket.State == ReviewTicketState.Pending
                && transition.NewState is ReviewTicketState.Pending or ReviewTicketState.Rejected && IsNewVoter(ticket, transition.Vote),
            ReviewTransitionKind.Expire => ticket.State is ReviewTicketState.Pending or ReviewTicketState.Approved
                && transition.NewState == ReviewTicketState.Expired,
            ReviewTransitionKind.Execute => ticket.State == ReviewTicketState.Approved
                && transition.NewState == ReviewTicketState.Executed,
            _ => false,
        };
        if (!legal)
        {
            throw new ReviewConflictException(
                $"Ticket '{ticket.Id}' is {ticket.State}; a {transition.Kind} transition to {transition.NewState} is not legal from there (or its vote is missing or repeats a reviewer).");
        }

        return ticket with
        {
            Version = ticket.Version + 1,
            State = transition.NewState,
            Approvals = transition.Kind == ReviewTransitionKind.Approve ? [.. ticket.Approvals, transition.Vote!.Value] : ticket.Approvals,
            Rejections = transition.Kind == ReviewTransitionKind.Reject ? [.. ticket.Rejections, transition.Vote!.Value] : ticket.Rejections,
            DecidedAt = transition.NewState != ticket.State ? transition.At : ticket.DecidedAt,
            Note = transition.Note ?? ticket.Note,
        };
    }

    /// <summary>Stores a ticket returned by <see cref="Admit"/> or <see cref="Next"/>.</summary>
    public void Store(ReviewTicket ticket)
    {
        if (_tickets.TryAdd(ticket.Id, ticket))
        {
            _order.Add(ticket.Id);
        }
        else
        {
            _tickets[ticket.Id] = ticket;
        }
    }

    private static bool IsNewVoter(ReviewTicket ticket, ReviewVote? vote)
    {
        if (vote is not { } v || string.IsNullOrWhiteSpace(v.Reviewer) || string.IsNullOrWhiteSpace(v.Role))
        {
            return false;
        }

        foreach (ReviewVote existing in ticket.Approvals)
        {
            if (string.Equals(existing.Reviewer, v.Reviewer, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (ReviewVote existing in ticket.Rejections)
        {
            if (string.Equals(existing.Reviewer, v.Reviewer, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return !string.Equals(v.Reviewer, ticket.Requester, StringComparison.Ordinal);
    }
}

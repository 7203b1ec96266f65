namespace FailClosed.Gates;

/// <summary>Selects tickets for an operator's listing; results are ordered oldest first.</summary>
public sealed record ReviewTicketFilter
{
    /// <summary>Gets a filter for the tickets that still need someone: Pending and Approved.</summary>
    public static ReviewTicketFilter Open { get; } = new() { States = [ReviewTicketState.Pending, ReviewTicketState.Approved] };

    /// <summary>Gets a filter that selects every ticket.</summary>
    public static ReviewTicketFilter All { get; } = new();

    /// <summary>Gets the states to include; every state when null or empty.</summary>
    public IReadOnlyCollection<ReviewTicketState>? States { get; init; }

    /// <summary>Gets the action to include (ordinal); every action when null.</summary>
    public string? Action { get; init; }

    /// <summary>Gets a bound on age: only tickets created at or before this instant; no bound when null.</summary>
    public DateTimeOffset? CreatedAtOrBefore { get; init; }

    /// <summary>Returns whether <paramref name="ticket"/> is selected.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <returns><see langword="true"/> when every condition holds.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is null.</exception>
    public bool Matches(ReviewTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return (States is null || States.Count == 0 || States.Contains(ticket.State))
            && (Action is null || string.Equals(Action, ticket.Action, StringComparison.Ordinal))
            && (CreatedAtOrBefore is null || ticket.CreatedAt <= CreatedAtOrBefore.Value);
    }
}

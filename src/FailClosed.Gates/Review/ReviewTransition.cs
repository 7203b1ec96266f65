namespace FailClosed.Gates;

/// <summary>
/// One change to a ticket, applied by an <see cref="IReviewQueue"/> only when the ticket is still at
/// <see cref="ExpectedVersion"/> (compare-and-set), so concurrent reviewers or runs never both succeed.
/// </summary>
/// <remarks>The executor decides a transition (rules, roles, evidence); the queue only checks that it is legal and current.</remarks>
public sealed record ReviewTransition
{
    /// <summary>Gets the id of the ticket to change.</summary>
    public required string TicketId { get; init; }

    /// <summary>Gets the <see cref="ReviewTicket.Version"/> the transition was decided against.</summary>
    public required int ExpectedVersion { get; init; }

    /// <summary>Gets what the transition does.</summary>
    public required ReviewTransitionKind Kind { get; init; }

    /// <summary>Gets the state the ticket is in afterwards.</summary>
    public required ReviewTicketState NewState { get; init; }

    /// <summary>Gets when the transition was decided, from the executor's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Gets the vote an Approve or Reject transition counts; <see langword="null"/> for the others.</summary>
    public ReviewVote? Vote { get; init; }

    /// <summary>Gets a secret-free note, such as the execution id of the approved run and what the approval stood in for.</summary>
    public string? Note { get; init; }
}

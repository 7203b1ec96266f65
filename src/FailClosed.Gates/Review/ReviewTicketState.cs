namespace FailClosed.Gates;

/// <summary>Where a <see cref="ReviewTicket"/> is in its lifecycle: Pending → Approved → Executed, or Rejected, or Expired.</summary>
public enum ReviewTicketState
{
    /// <summary>Waiting for reviewers; the request does not run.</summary>
    Pending = 0,

    /// <summary>Every factor of the approval rule is met; the exact request may run once before the ticket expires.</summary>
    Approved = 1,

    /// <summary>The approved request ran (or started to run); the ticket cannot run again.</summary>
    Executed = 2,

    /// <summary>Reviewers rejected the request; it never runs.</summary>
    Rejected = 3,

    /// <summary>The ticket passed its expiry time before it ran; it never runs.</summary>
    Expired = 4,
}

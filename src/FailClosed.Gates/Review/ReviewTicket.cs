namespace FailClosed.Gates;

/// <summary>A queued review: the handle a reviewer approves or rejects.</summary>
/// <param name="Id">The queue-assigned id of the ticket.</param>
/// <param name="Action">The name of the guarded action under review.</param>
/// <param name="CorrelationId">The correlation id of the refused execution.</param>
/// <param name="CreatedAt">When the ticket was created, from the queue's <see cref="TimeProvider"/>.</param>
public sealed record ReviewTicket(string Id, string Action, string CorrelationId, DateTimeOffset CreatedAt);

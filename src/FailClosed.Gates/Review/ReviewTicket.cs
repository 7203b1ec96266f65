namespace FailClosed.Gates;

/// <summary>A queued review: the handle a reviewer approves or rejects.</summary>
/// <param name="Id">The queue-assigned id of the ticket.</param>
/// <param name="Action">The name of the guarded action under review.</param>
/// <param name="ExecutionId">The id of the refused execution.</param>
/// <param name="TraceId">The W3C trace id the execution ran in; <see langword="null"/> outside a trace.</param>
/// <param name="CreatedAt">When the ticket was created, from the queue's <see cref="TimeProvider"/>.</param>
public sealed record ReviewTicket(string Id, string Action, string ExecutionId, string? TraceId, DateTimeOffset CreatedAt);

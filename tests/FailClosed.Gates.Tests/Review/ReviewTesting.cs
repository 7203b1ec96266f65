namespace FailClosed.Gates.Tests.Review;

/// <summary>Requests and transitions for queue tests.</summary>
internal static class ReviewTesting
{
    public static ReviewRequest Request(string ticketId, string action, DateTimeOffset? at = null)
    {
        (string description, string digest) = RequestDescription.Create(action, "requester", "invoice INV-1", [], [new("amount", "100")]);
        DateTimeOffset requestedAt = at ?? DateTimeOffset.UnixEpoch;
        return new ReviewRequest
        {
            TicketId = ticketId,
            Action = action,
            Decision = GateDecision.Indeterminate("g", GateCodes.EscalatedForReview, "needs approval"),
            ExecutionId = "exec-" + ticketId,
            RequestedAt = requestedAt,
            ExpiresAt = requestedAt.AddDays(1),
            Requester = "requester",
            Subject = "invoice INV-1",
            RequestDescription = description,
            RequestDigest = digest,
        };
    }

    public static ReviewTransition Approve(string ticketId, int version, string reviewer, ReviewTicketState next, ReviewTransitionKind kind = ReviewTransitionKind.Approve) => new()
    {
        TicketId = ticketId,
        ExpectedVersion = version,
        Kind = kind,
        NewState = next,
        At = DateTimeOffset.UnixEpoch.AddHours(1),
        Vote = new ReviewVote(reviewer, "finance", DateTimeOffset.UnixEpoch.AddHours(1), null),
    };
}

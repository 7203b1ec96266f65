namespace FailClosed.Gates;

/// <summary>A queued review: the request, the decision that refused it, and every counted vote and change since.</summary>
/// <remarks>Immutable: a queue returns a new ticket for every change, with <see cref="Version"/> one higher.</remarks>
public sealed record ReviewTicket
{
    /// <summary>Gets the ticket id (a UUIDv7 assigned by the executor).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the name of the guarded action under review.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the id of the refused execution.</summary>
    public required string ExecutionId { get; init; }

    /// <summary>Gets the W3C trace id the execution ran in; <see langword="null"/> outside a trace.</summary>
    public string? TraceId { get; init; }

    /// <summary>Gets the identity of whoever asked for the action; <see langword="null"/> when unknown.</summary>
    public string? Requester { get; init; }

    /// <summary>Gets the decision that refused the request (its verdict, code, gate and reason).</summary>
    public required GateDecision Decision { get; init; }

    /// <summary>Gets a short, secret-free description of what the action acts on.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the pins of the policy artifacts that judged the request.</summary>
    public IReadOnlyList<PolicyPin> Pins { get; init; } = [];

    /// <summary>Gets the canonical description of the request that <see cref="RequestDigest"/> hashes.</summary>
    public required string RequestDescription { get; init; }

    /// <summary>Gets the lowercase hex SHA-256 of <see cref="RequestDescription"/>: the only request an approval approves.</summary>
    public required string RequestDigest { get; init; }

    /// <summary>Gets when the ticket was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the ticket expires unless it has run.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets where the ticket is in its lifecycle.</summary>
    public ReviewTicketState State { get; init; }

    /// <summary>Gets the number of changes applied since the ticket was created (0 when new).</summary>
    public int Version { get; init; }

    /// <summary>Gets the counted approvals, in order.</summary>
    public IReadOnlyList<ReviewVote> Approvals { get; init; } = [];

    /// <summary>Gets the counted rejections, in order.</summary>
    public IReadOnlyList<ReviewVote> Rejections { get; init; } = [];

    /// <summary>Gets when the ticket last changed state (approved, rejected, expired or executed); null while pending.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Gets the note of the last change, such as the approved run's execution id and what the approval stood in for.</summary>
    public string? Note { get; init; }

    /// <summary>Returns whether the ticket can no longer run because its expiry time has come.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when the ticket is Expired, or is Pending or Approved at or after <see cref="ExpiresAt"/>.</returns>
    public bool IsExpiredAt(DateTimeOffset now) =>
        State == ReviewTicketState.Expired || (State is ReviewTicketState.Pending or ReviewTicketState.Approved && now >= ExpiresAt);

    internal static ReviewTicket FromRequest(ReviewRequest request) => new()
    {
        Id = request.TicketId,
        Action = request.Action,
        ExecutionId = request.ExecutionId,
        TraceId = request.TraceId,
        Requester = request.Requester,
        Decision = request.Decision,
        Subject = request.Subject,
        Pins = [.. request.Pins],
        RequestDescription = request.RequestDescription,
        RequestDigest = request.RequestDigest,
        CreatedAt = request.RequestedAt,
        ExpiresAt = request.ExpiresAt,
    };
}

namespace FailClosed.Gates;

/// <summary>A request the automated path refused, described for a reviewer and bound to its exact content by a digest.</summary>
/// <remarks>
/// Like evidence, a request carries no secrets: the subject is the action's secret-free description, and the request
/// description holds only the facts the action's definition binds (such as an invoice id, amount and payee).
/// </remarks>
public sealed record ReviewRequest
{
    /// <summary>Gets the id the ticket will have; the executor assigns a UUIDv7.</summary>
    public required string TicketId { get; init; }

    /// <summary>Gets the name of the guarded action.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the decision that refused the request.</summary>
    public required GateDecision Decision { get; init; }

    /// <summary>Gets the id of the refused execution, which its evidence records carry.</summary>
    public required string ExecutionId { get; init; }

    /// <summary>Gets the W3C trace id the execution ran in; <see langword="null"/> outside a trace.</summary>
    public string? TraceId { get; init; }

    /// <summary>Gets when the request was refused, from the executor's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>Gets when the ticket expires if it has not run: <see cref="RequestedAt"/> plus the rule's time to live.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the identity of whoever asked for the action; <see langword="null"/> when the action does not name one,
    /// in which case the ticket can never be approved (self-approval could not be excluded).</summary>
    public string? Requester { get; init; }

    /// <summary>Gets a short, secret-free description of what the action acts on.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the pins of the policy artifacts that judged the request; empty when none did.</summary>
    public IReadOnlyList<PolicyPin> Pins { get; init; } = [];

    /// <summary>Gets the canonical description of the request (compact JSON: action, requester, subject, gate pins and
    /// the action's request facts, sorted by name) that <see cref="RequestDigest"/> hashes.</summary>
    public required string RequestDescription { get; init; }

    /// <summary>Gets the lowercase hex SHA-256 of the UTF-8 <see cref="RequestDescription"/>: what an approval approves.</summary>
    public required string RequestDigest { get; init; }
}

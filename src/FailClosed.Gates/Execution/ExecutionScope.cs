namespace FailClosed.Gates;

/// <summary>The facts every evidence record of one execution shares.</summary>
internal readonly struct ExecutionScope
{
    public ExecutionScope(string action, string correlationId, string? subject, IReadOnlyList<PolicyPin> pins)
    {
        Action = action;
        CorrelationId = correlationId;
        Subject = subject;
        Pins = pins;
    }

    public string Action { get; }

    public string CorrelationId { get; }

    public string? Subject { get; }

    public IReadOnlyList<PolicyPin> Pins { get; }

    public EvidenceRecord ToRecord(EvidenceKind kind, GateDecision decision, string? detail, DateTimeOffset timestamp) => new()
    {
        Timestamp = timestamp,
        Action = Action,
        Kind = kind,
        Verdict = decision.Verdict,
        Code = decision.Code,
        Gate = decision.Gate,
        Pins = Pins,
        Subject = Subject,
        CorrelationId = CorrelationId,
        Detail = detail,
    };

    public ReviewRequest ToReviewRequest(GateDecision decision, DateTimeOffset requestedAt) => new()
    {
        Action = Action,
        Decision = decision,
        CorrelationId = CorrelationId,
        RequestedAt = requestedAt,
        Subject = Subject,
        Pins = Pins,
    };
}

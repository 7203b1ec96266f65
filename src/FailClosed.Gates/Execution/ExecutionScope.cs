namespace FailClosed.Gates;

/// <summary>The facts every evidence record of one execution shares.</summary>
internal readonly struct ExecutionScope
{
    public ExecutionScope(string action, string executionId, string? traceId, string? subject, IReadOnlyList<PolicyPin> pins, object? telemetry)
    {
        Action = action;
        ExecutionId = executionId;
        TraceId = traceId;
        Subject = subject;
        Pins = pins;
        Telemetry = telemetry;
    }

    public string Action { get; }

    public string ExecutionId { get; }

    public string? TraceId { get; }

    public string? Subject { get; }

    public IReadOnlyList<PolicyPin> Pins { get; }

    /// <summary>Gets what <see cref="ExecutionTelemetry.OnExecutionStarted"/> returned for this execution.</summary>
    public object? Telemetry { get; }

    /// <summary>Gets a value indicating whether the scope carries no description of the request (no subject, no pins).</summary>
    public bool IsBare => Subject is null && Pins.Count == 0;

    /// <summary>Returns the scope without its subject and pins: what a record can still say when those cannot be encoded.</summary>
    public ExecutionScope Bare() => new(Action, ExecutionId, TraceId, null, [], Telemetry);

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
        ExecutionId = ExecutionId,
        TraceId = TraceId,
        Detail = detail,
    };
}

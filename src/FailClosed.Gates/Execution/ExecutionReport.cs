namespace FailClosed.Gates;

/// <summary>What one execution of an <see cref="EvidenceFirstExecutor"/> ended with, for <see cref="ExecutionTelemetry"/>.</summary>
public readonly struct ExecutionReport
{
    internal ExecutionReport(
        string action,
        string executionId,
        string? subject,
        GateDecision decision,
        bool executed,
        bool isFailOpen,
        bool isOutcomeRecorded,
        ReviewTicket? reviewTicket,
        Exception? sideEffectException)
    {
        Action = action;
        ExecutionId = executionId;
        Subject = subject;
        Decision = decision;
        Executed = executed;
        IsFailOpen = isFailOpen;
        IsOutcomeRecorded = isOutcomeRecorded;
        ReviewTicket = reviewTicket;
        SideEffectException = sideEffectException;
    }

    /// <summary>Gets the action name.</summary>
    public string Action { get; }

    /// <summary>Gets the id every evidence record of the execution carries.</summary>
    public string ExecutionId { get; }

    /// <summary>Gets the action's secret-free description of its subject, if it has one.</summary>
    public string? Subject { get; }

    /// <summary>Gets the decision: why it was blocked, or what it ran under.</summary>
    public GateDecision Decision { get; }

    /// <summary>Gets a value indicating whether the side effect ran.</summary>
    public bool Executed { get; }

    /// <summary>Gets a value indicating whether the side effect ran under a fail-open exemption.</summary>
    public bool IsFailOpen { get; }

    /// <summary>Gets a value indicating whether the side effect's Outcome record was written; <see langword="true"/> when it did not run.</summary>
    public bool IsOutcomeRecorded { get; }

    /// <summary>Gets the review ticket the blocked request was queued as, if any.</summary>
    public ReviewTicket? ReviewTicket { get; }

    /// <summary>Gets what the side effect threw, if it ran and threw.</summary>
    public Exception? SideEffectException { get; }
}

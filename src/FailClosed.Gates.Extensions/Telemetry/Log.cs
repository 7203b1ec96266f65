using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.Extensions;

/// <summary>
/// The package's log events. Each carries the action, the execution id and the subject as the action describes it;
/// never the context, the side effect's arguments or its value.
/// </summary>
[ExcludeFromCodeCoverage]
internal static partial class Log
{
    private const string Execution = "Action '{Action}' (execution {ExecutionId}, subject '{Subject}')";
    private const string Journal = "The evidence journal '{Registration}' at '{Path}'";

    [LoggerMessage(EventId = FailClosedGatesEventIds.Denied, EventName = "Denied", Level = LogLevel.Information,
        Message = Execution + " was denied by gate '{Gate}': {Reason}")]
    public static partial void Denied(this ILogger logger, string action, string executionId, string? subject, string gate, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.GateFault, EventName = "GateFault", Level = LogLevel.Error,
        Message = Execution + " was blocked because gate '{Gate}' faulted: {Reason}")]
    public static partial void GateFault(this ILogger logger, string action, string executionId, string? subject, string gate, string? reason, Exception? exception);

    [LoggerMessage(EventId = FailClosedGatesEventIds.GateTimeout, EventName = "GateTimeout", Level = LogLevel.Warning,
        Message = Execution + " was blocked because gate '{Gate}' did not answer in time: {Reason}")]
    public static partial void GateTimeout(this ILogger logger, string action, string executionId, string? subject, string gate, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.Canceled, EventName = "Canceled", Level = LogLevel.Information,
        Message = Execution + " was canceled before its side effect started.")]
    public static partial void Canceled(this ILogger logger, string action, string executionId, string? subject);

    [LoggerMessage(EventId = FailClosedGatesEventIds.PolicyMissing, EventName = "PolicyMissing", Level = LogLevel.Error,
        Message = Execution + " was blocked because a pinned policy is missing: {Reason}")]
    public static partial void PolicyMissing(this ILogger logger, string action, string executionId, string? subject, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.PolicyDigestMismatch, EventName = "PolicyDigestMismatch", Level = LogLevel.Error,
        Message = Execution + " was blocked because a policy artifact does not match its pin: {Reason}")]
    public static partial void PolicyDigestMismatch(this ILogger logger, string action, string executionId, string? subject, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.PolicySignatureInvalid, EventName = "PolicySignatureInvalid", Level = LogLevel.Error,
        Message = Execution + " was blocked because a policy signature did not verify: {Reason}")]
    public static partial void PolicySignatureInvalid(this ILogger logger, string action, string executionId, string? subject, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.PolicyInvalid, EventName = "PolicyInvalid", Level = LogLevel.Error,
        Message = Execution + " was blocked because a policy could not be compiled: {Reason}")]
    public static partial void PolicyInvalid(this ILogger logger, string action, string executionId, string? subject, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.EvidenceUnavailable, EventName = "EvidenceUnavailable", Level = LogLevel.Error,
        Message = Execution + " was blocked because its evidence could not be written: {Reason}")]
    public static partial void EvidenceUnavailable(this ILogger logger, string action, string executionId, string? subject, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.EvidenceTampered, EventName = "EvidenceTampered", Level = LogLevel.Critical,
        Message = Execution + " was blocked because evidence failed a tamper-evidence check: {Reason}")]
    public static partial void EvidenceTampered(this ILogger logger, string action, string executionId, string? subject, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.ActionUnclassified, EventName = "ActionUnclassified", Level = LogLevel.Warning,
        Message = Execution + " was blocked because the strict action catalog does not list it.")]
    public static partial void ActionUnclassified(this ILogger logger, string action, string executionId, string? subject);

    [LoggerMessage(EventId = FailClosedGatesEventIds.Blocked, EventName = "Blocked", Level = LogLevel.Warning,
        Message = Execution + " was blocked by gate '{Gate}' with code {Code}: {Reason}")]
    public static partial void Blocked(this ILogger logger, string action, string executionId, string? subject, string gate, string code, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.FailOpenUsed, EventName = "FailOpenUsed", Level = LogLevel.Warning,
        Message = Execution + " ran under its fail-open exemption despite {Code}: {Reason}")]
    public static partial void FailOpenUsed(this ILogger logger, string action, string executionId, string? subject, string code, string? reason);

    [LoggerMessage(EventId = FailClosedGatesEventIds.OutcomeUnrecorded, EventName = "OutcomeUnrecorded", Level = LogLevel.Error,
        Message = Execution + " ran, but its Outcome record could not be written.")]
    public static partial void OutcomeUnrecorded(this ILogger logger, string action, string executionId, string? subject);

    [LoggerMessage(EventId = FailClosedGatesEventIds.ReviewEnqueued, EventName = "ReviewEnqueued", Level = LogLevel.Warning,
        Message = Execution + " was blocked with {Code} and queued for review as ticket '{TicketId}'.")]
    public static partial void ReviewEnqueued(this ILogger logger, string action, string executionId, string? subject, string code, string ticketId);

    [LoggerMessage(EventId = FailClosedGatesEventIds.ReviewApproved, EventName = "ReviewApproved", Level = LogLevel.Information,
        Message = "Review ticket '{TicketId}' of action '{Action}' (execution {ExecutionId}) counted an approval by '{Reviewer}' as {Role}; it is now {State}.")]
    public static partial void ReviewApproved(this ILogger logger, string ticketId, string action, string executionId, string reviewer, string role, ReviewTicketState state);

    [LoggerMessage(EventId = FailClosedGatesEventIds.ReviewRejected, EventName = "ReviewRejected", Level = LogLevel.Information,
        Message = "Review ticket '{TicketId}' of action '{Action}' (execution {ExecutionId}) counted a rejection by '{Reviewer}' as {Role}; it is now {State}.")]
    public static partial void ReviewRejected(this ILogger logger, string ticketId, string action, string executionId, string reviewer, string role, ReviewTicketState state);

    [LoggerMessage(EventId = FailClosedGatesEventIds.ReviewExpired, EventName = "ReviewExpired", Level = LogLevel.Warning,
        Message = "Review ticket '{TicketId}' of action '{Action}' (execution {ExecutionId}) expired while {PreviousState}; it never runs.")]
    public static partial void ReviewExpired(this ILogger logger, string ticketId, string action, string executionId, ReviewTicketState previousState);

    [LoggerMessage(EventId = FailClosedGatesEventIds.ReviewExecuted, EventName = "ReviewExecuted", Level = LogLevel.Information,
        Message = "Approved review ticket '{TicketId}' of action '{Action}' (execution {ExecutionId}) was claimed to run once.")]
    public static partial void ReviewExecuted(this ILogger logger, string ticketId, string action, string executionId);

    [LoggerMessage(EventId = FailClosedGatesEventIds.JournalOpened, EventName = "JournalOpened", Level = LogLevel.Information,
        Message = Journal + " is open with {Count} records.")]
    public static partial void JournalOpened(this ILogger logger, string registration, string path, long count);

    [LoggerMessage(EventId = FailClosedGatesEventIds.JournalOpenFailed, EventName = "JournalOpenFailed", Level = LogLevel.Critical,
        Message = Journal + " could not be opened ({Code}); every guarded action of this registration blocks.")]
    public static partial void JournalOpenFailed(this ILogger logger, string registration, string path, string code, Exception exception);

    [LoggerMessage(EventId = FailClosedGatesEventIds.JournalFaulted, EventName = "JournalFaulted", Level = LogLevel.Critical,
        Message = Journal + " has faulted; every guarded action of this registration blocks until the journal is recovered.")]
    public static partial void JournalFaulted(this ILogger logger, string registration, string path);

    [LoggerMessage(EventId = FailClosedGatesEventIds.JournalRecovered, EventName = "JournalRecovered", Level = LogLevel.Warning,
        Message = Journal + " was reopened after a fault and verified; its Recovery record is number {Sequence}.")]
    public static partial void JournalRecovered(this ILogger logger, string registration, string path, long sequence);

    [LoggerMessage(EventId = FailClosedGatesEventIds.JournalRecoveryFailed, EventName = "JournalRecoveryFailed", Level = LogLevel.Critical,
        Message = Journal + " could not be reopened after a fault; it stays closed and every guarded action blocks.")]
    public static partial void JournalRecoveryFailed(this ILogger logger, string registration, string path, Exception exception);

    [LoggerMessage(EventId = FailClosedGatesEventIds.JournalClosed, EventName = "JournalClosed", Level = LogLevel.Information,
        Message = Journal + " was checkpointed and closed with {Count} records.")]
    public static partial void JournalClosed(this ILogger logger, string registration, string path, long count);
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.Extensions;

/// <summary>
/// Turns one registration's executions into log events, metrics and spans. Nothing is allocated for a signal nobody
/// listens to: logs check their level, instruments their <c>Enabled</c>, spans <see cref="ActivitySource.HasListeners"/>.
/// </summary>
/// <remarks>
/// The execution span is not left as <see cref="Activity.Current"/>: the executor returns before it ends, and a
/// span left current would leak into the caller's flow. The stage spans are its children, timed by the executor.
/// Telemetry never changes an outcome: a failing log provider is ignored here rather than reaching the caller.
/// </remarks>
internal sealed class FailClosedGatesTelemetry(
    ILogger logger,
    FailClosedGatesMetrics metrics,
    ExecutionStatistics statistics,
    TimeProvider timeProvider) : ExecutionTelemetry
{
    private static readonly KeyValuePair<string, object?> Executed = new(FailClosedGatesMetrics.ExecutedTag, true);
    private static readonly KeyValuePair<string, object?> NotExecuted = new(FailClosedGatesMetrics.ExecutedTag, false);
    private static readonly KeyValuePair<string, object?> Written = new(FailClosedGatesMetrics.WrittenTag, true);
    private static readonly KeyValuePair<string, object?> NotWritten = new(FailClosedGatesMetrics.WrittenTag, false);

    public ExecutionStatistics Statistics => statistics;

    public override object? OnExecutionStarted(string action, string executionId)
    {
        if (!FailClosedGatesActivitySource.Source.HasListeners())
        {
            return null;
        }

        Activity? previous = Activity.Current;
        Activity? activity = FailClosedGatesActivitySource.Source.StartActivity(FailClosedGatesActivitySource.ExecuteSpan, ActivityKind.Internal);
        if (activity is not null)
        {
            Activity.Current = previous;
            activity.DisplayName = "execute " + action;
            activity.SetTag(FailClosedGatesMetrics.ActionTag, action);
            activity.SetTag(FailClosedGatesActivitySource.ExecutionIdTag, executionId);
        }

        return activity;
    }

    // A stage is timed only for someone who reads its duration: the gate for its histogram or a span, the side
    // effect for a span (it has no histogram).
    public override bool TimesGate(object? state) => state is Activity || metrics.GateDuration.Enabled;

    public override bool TimesSideEffect(object? state) => state is Activity;

    public override void OnGateEvaluated(object? state, string action, GateDecision decision, TimeSpan elapsed)
    {
        if (metrics.GateDuration.Enabled)
        {
            metrics.GateDuration.Record(
                elapsed.TotalSeconds,
                new KeyValuePair<string, object?>(FailClosedGatesMetrics.ActionTag, action),
                new KeyValuePair<string, object?>(FailClosedGatesMetrics.VerdictTag, TelemetryNames.Verdict(decision.Verdict)));
        }

        if (state is Activity parent && Child(parent, FailClosedGatesActivitySource.EvaluateSpan, "evaluate", elapsed) is { } span)
        {
            span.SetTag(FailClosedGatesMetrics.VerdictTag, TelemetryNames.Verdict(decision.Verdict));
            span.SetTag(FailClosedGatesMetrics.CodeTag, TelemetryNames.Code(decision.Code));
            End(span, decision.IsAllowed ? null : decision.Code);
        }
    }

    public override void OnEvidenceWritten(object? state, string action, EvidenceKind kind, TimeSpan elapsed, bool written)
    {
        statistics.RecordAppend(elapsed);
        if (metrics.AppendDuration.Enabled)
        {
            metrics.AppendDuration.Record(
                elapsed.TotalSeconds,
                new KeyValuePair<string, object?>(FailClosedGatesMetrics.EvidenceKindTag, KindName(kind)),
                written ? Written : NotWritten);
        }

        if (state is Activity parent && Child(parent, FailClosedGatesActivitySource.AppendSpan, "append " + KindName(kind), elapsed) is { } span)
        {
            span.SetTag(FailClosedGatesMetrics.EvidenceKindTag, KindName(kind));
            span.SetTag(FailClosedGatesMetrics.WrittenTag, written);
            End(span, written ? null : GateCodes.EvidenceUnavailable);
        }
    }

    public override void OnSideEffectCompleted(object? state, string action, TimeSpan elapsed, Exception? exception)
    {
        if (state is Activity parent && Child(parent, FailClosedGatesActivitySource.SideEffectSpan, "side effect", elapsed) is { } span)
        {
            if (exception is not null)
            {
                span.SetTag("error.type", exception.GetType().FullName);
            }

            End(span, exception?.GetType().Name);
        }
    }

    public override void OnExecutionCompleted(object? state, in ExecutionReport report)
    {
        string verdict = TelemetryNames.Verdict(report.Decision.Verdict);
        string code = TelemetryNames.Code(report.Decision.Code);
        if (report.ReviewTicket is not null)
        {
            statistics.RecordQueuedReview();
        }

        RecordMetrics(report, verdict, code);
        if (state is Activity activity)
        {
            activity.SetTag(FailClosedGatesMetrics.VerdictTag, verdict);
            activity.SetTag(FailClosedGatesMetrics.CodeTag, code);
            activity.SetTag(FailClosedGatesMetrics.ExecutedTag, report.Executed);
            if (!report.Executed)
            {
                activity.SetStatus(ActivityStatusCode.Error, report.Decision.Code);
            }
            else if (report.SideEffectException is { } thrown)
            {
                activity.SetTag("error.type", thrown.GetType().FullName);
                activity.SetStatus(ActivityStatusCode.Error, thrown.GetType().Name);
            }

            Activity? previous = Activity.Current;
            activity.Stop();
            Activity.Current = previous;
        }

        try
        {
            LogCompleted(report);
        }
#pragma warning disable CA1031 // Telemetry never changes an outcome: a failing log provider must not turn a result into an exception.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void RecordMetrics(in ExecutionReport report, string verdict, string code)
    {
        KeyValuePair<string, object?> action = new(FailClosedGatesMetrics.ActionTag, report.Action);
        if (metrics.Decisions.Enabled)
        {
            metrics.Decisions.Add(
                1,
                action,
                new KeyValuePair<string, object?>(FailClosedGatesMetrics.VerdictTag, verdict),
                new KeyValuePair<string, object?>(FailClosedGatesMetrics.CodeTag, code),
                report.Executed ? Executed : NotExecuted);
        }

        if (report.IsFailOpen && metrics.FailOpen.Enabled)
        {
            metrics.FailOpen.Add(1, action, new KeyValuePair<string, object?>(FailClosedGatesMetrics.CodeTag, code));
        }

        if (!report.IsOutcomeRecorded && metrics.OutcomeUnrecorded.Enabled)
        {
            metrics.OutcomeUnrecorded.Add(1, action);
        }

        if (report.ReviewTicket is not null)
        {
            if (metrics.ReviewsEnqueued.Enabled)
            {
                metrics.ReviewsEnqueued.Add(1, action, new KeyValuePair<string, object?>(FailClosedGatesMetrics.CodeTag, code));
            }

            if (metrics.PendingReviews.Enabled)
            {
                metrics.PendingReviews.Add(1, action);
            }
        }
    }

    public override void OnReviewTicketChanged(ReviewTicket ticket, ReviewTransitionKind change, ReviewTicketState previousState)
    {
        bool decided = previousState == ReviewTicketState.Pending && ticket.State != ReviewTicketState.Pending;
        if (decided)
        {
            statistics.RecordDecidedReview();
        }

        KeyValuePair<string, object?> action = new(FailClosedGatesMetrics.ActionTag, ticket.Action);
        if (metrics.ReviewTransitions.Enabled)
        {
            metrics.ReviewTransitions.Add(
                1,
                action,
                new KeyValuePair<string, object?>(FailClosedGatesMetrics.TransitionTag, TelemetryNames.Code(change.ToString())),
                new KeyValuePair<string, object?>(FailClosedGatesMetrics.StateTag, TelemetryNames.Code(ticket.State.ToString())));
        }

        if (decided && metrics.PendingReviews.Enabled)
        {
            metrics.PendingReviews.Add(-1, action);
        }

        try
        {
            LogChanged(ticket, change, previousState);
        }
#pragma warning disable CA1031 // Telemetry never changes an outcome: a failing log provider must not undo a counted vote.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void LogChanged(ReviewTicket ticket, ReviewTransitionKind change, ReviewTicketState previousState)
    {
        switch (change)
        {
            case ReviewTransitionKind.Approve when ticket.Approvals.Count > 0:
                ReviewVote approval = ticket.Approvals[^1];
                logger.ReviewApproved(ticket.Id, ticket.Action, ticket.ExecutionId, approval.Reviewer, approval.Role, ticket.State);
                break;
            case ReviewTransitionKind.Reject when ticket.Rejections.Count > 0:
                ReviewVote rejection = ticket.Rejections[^1];
                logger.ReviewRejected(ticket.Id, ticket.Action, ticket.ExecutionId, rejection.Reviewer, rejection.Role, ticket.State);
                break;
            case ReviewTransitionKind.Expire:
                logger.ReviewExpired(ticket.Id, ticket.Action, ticket.ExecutionId, previousState);
                break;
            case ReviewTransitionKind.Execute:
                logger.ReviewExecuted(ticket.Id, ticket.Action, ticket.ExecutionId);
                break;
        }
    }

    private void LogCompleted(in ExecutionReport report)
    {
        GateDecision decision = report.Decision;
        string action = report.Action;
        string id = report.ExecutionId;
        string? subject = report.Subject;
        if (report.Executed)
        {
            if (report.IsFailOpen)
            {
                logger.FailOpenUsed(action, id, subject, decision.Code, decision.Reason);
            }

            if (!report.IsOutcomeRecorded)
            {
                logger.OutcomeUnrecorded(action, id, subject);
            }

            return;
        }

        switch (decision.Code)
        {
            case GateCodes.Denied:
                logger.Denied(action, id, subject, decision.Gate, decision.Reason);
                break;
            case GateCodes.Fault:
                logger.GateFault(action, id, subject, decision.Gate, decision.Reason, decision.Exception);
                break;
            case GateCodes.Timeout:
                logger.GateTimeout(action, id, subject, decision.Gate, decision.Reason);
                break;
            case GateCodes.Canceled:
                logger.Canceled(action, id, subject);
                break;
            case GateCodes.PolicyMissing:
                logger.PolicyMissing(action, id, subject, decision.Reason);
                break;
            case GateCodes.PolicyDigestMismatch:
                logger.PolicyDigestMismatch(action, id, subject, decision.Reason);
                break;
            case GateCodes.PolicySignatureInvalid:
                logger.PolicySignatureInvalid(action, id, subject, decision.Reason);
                break;
            case GateCodes.PolicyInvalid:
                logger.PolicyInvalid(action, id, subject, decision.Reason);
                break;
            case GateCodes.EvidenceUnavailable:
                logger.EvidenceUnavailable(action, id, subject, decision.Reason);
                break;
            case GateCodes.EvidenceTampered:
                logger.EvidenceTampered(action, id, subject, decision.Reason);
                break;
            case GateCodes.ActionUnclassified:
                logger.ActionUnclassified(action, id, subject);
                break;
            default:
                logger.Blocked(action, id, subject, decision.Gate, decision.Code, decision.Reason);
                break;
        }

        if (report.ReviewTicket is { } ticket)
        {
            logger.ReviewEnqueued(action, id, subject, decision.Code, ticket.Id);
        }
    }

    private Activity? Child(Activity parent, string name, string displayName, TimeSpan elapsed)
    {
        Activity? previous = Activity.Current;
        Activity? span = FailClosedGatesActivitySource.Source.StartActivity(
            name,
            ActivityKind.Internal,
            parent.Context,
            startTime: timeProvider.GetUtcNow() - elapsed);
        Activity.Current = previous;
        if (span is not null)
        {
            span.DisplayName = displayName;
            span.SetTag(FailClosedGatesMetrics.ActionTag, parent.GetTagItem(FailClosedGatesMetrics.ActionTag));
        }

        return span;
    }

    private void End(Activity span, string? error)
    {
        if (error is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error);
        }

        Activity? previous = Activity.Current;
        span.SetEndTime(timeProvider.GetUtcNow().UtcDateTime);
        span.Stop();
        Activity.Current = previous;
    }

    private static string KindName(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Decision => "decision",
        EvidenceKind.Intent => "intent",
        EvidenceKind.Outcome => "outcome",
        EvidenceKind.Escalation => "escalation",
        EvidenceKind.Approval => "approval",
        EvidenceKind.Recovery => "recovery",
        EvidenceKind.FailOpen => "fail_open",
        EvidenceKind.KeyRotation => "key_rotation",
        _ => "unknown",
    };
}

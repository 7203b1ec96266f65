using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.ExceptionServices;

namespace FailClosed.Gates;

/// <summary>The fixed order of one execution: classify, evaluate, Intent, side effect, Outcome.</summary>
/// <remarks>
/// Each stage is a plain method that continues synchronously while the gate, the sink and the side effect complete
/// synchronously, and hands over to an <c>async</c> continuation only when one of them is really pending.
/// </remarks>
public sealed partial class EvidenceFirstExecutor
{
    private const string CompletedDetail = "Completed";

    /// <summary>The longest exception type name an Outcome record carries; longer names are cut.</summary>
    private const int MaxTypeNameLength = 256;

    /// <summary>The content bytes an Intent or FailOpen record keeps free for its Outcome record's detail.</summary>
    private const int OutcomeReserveBytes = 2048;

    private ValueTask<GuardedResult<TResult>> ExecuteCoreAsync<TContext, TState, TResult>(
        GuardedAction<TContext> action,
        TContext context,
        TState state,
        Func<TContext, TState, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken)
    {
        string executionId = ExecutionIds.New(_timeProvider);
        string? traceId = ExecutionIds.CurrentTraceId();
        string name = action.Name;
        object? telemetry = _telemetry.OnExecutionStarted(name, executionId);

        // 1. Classify. An unlisted action in a strict catalog is a definite no, before its gate is asked.
        if (_catalog.IsStrict && !_catalog.Contains(name))
        {
            var unlisted = new ExecutionScope(name, executionId, traceId, TryDescribe(action, context), [], telemetry);
            GateDecision unclassified = GateDecision.Deny(
                ActionCatalog.GateName,
                "The action '" + name + "' is not in the strict action catalog.",
                GateCodes.ActionUnclassified);
            return BlockAsync<TResult>(unlisted, unclassified);
        }

        FailMode mode = _catalog.GetMode(name);
        FailMode? exemption = mode.IsOpen && mode.IsInForceAt(_timeProvider.GetUtcNow()) ? mode : null;

        // The facts every record carries, read and materialized here, once: a describer, a custom gate's Pins or
        // its list's enumerator that throws leaves no trustworthy evidence to write, so it blocks. It is the
        // caller's bug, not an uncertainty an exemption covers.
        string? subject;
        IReadOnlyList<PolicyPin> gatePins;
        try
        {
            subject = action.DescribeSubject(context);
            gatePins = Materialize(action.Gate.Pins);
        }
        catch (Exception exception)
        {
            GateDecision fault = GateDecision.Indeterminate(
                GateName,
                GateCodes.Fault,
                "The subject or the policy pins of action '" + name + "' could not be read: " + exception.GetType().FullName + " was thrown.",
                exception);
            return BlockAsync<TResult>(new ExecutionScope(name, executionId, traceId, null, [], telemetry), fault);
        }

        // 2. Evaluate. EvaluateAsync never throws: faults, timeouts and cancellation arrive as blocks.
        var call = new SideEffectCall<TContext, TState, TResult>(action, context, state, sideEffect, cancellationToken);
        bool timed = _telemetry.TimesGate(telemetry);
        long evaluating = timed ? _timeProvider.GetTimestamp() : 0;
        ValueTask<GateDecision> evaluation = action.Gate.EvaluateAsync(context, cancellationToken);
        if (!evaluation.IsCompletedSuccessfully)
        {
            return DecideSlowAsync(evaluation, timed, evaluating, new ExecutionScope(name, executionId, traceId, subject, gatePins, telemetry), exemption, call);
        }

        GateDecision decision = evaluation.Result;
        _telemetry.OnGateEvaluated(telemetry, name, decision, StageElapsed(timed, evaluating));
        return DecideAsync(new ExecutionScope(name, executionId, traceId, subject, MergePins(gatePins, decision), telemetry), decision, exemption, call);
    }

    private async ValueTask<GuardedResult<TResult>> DecideSlowAsync<TContext, TState, TResult>(
        ValueTask<GateDecision> evaluation,
        bool timed,
        long evaluating,
        ExecutionScope unpinned,
        FailMode? exemption,
        SideEffectCall<TContext, TState, TResult> call)
    {
        GateDecision decision = await evaluation.ConfigureAwait(false);
        _telemetry.OnGateEvaluated(unpinned.Telemetry, unpinned.Action, decision, StageElapsed(timed, evaluating));
        var scope = new ExecutionScope(unpinned.Action, unpinned.ExecutionId, unpinned.TraceId, unpinned.Subject, MergePins(unpinned.Pins, decision), unpinned.Telemetry);
        return await DecideAsync(scope, decision, exemption, call).ConfigureAwait(false);
    }

    private ValueTask<GuardedResult<TResult>> DecideAsync<TContext, TState, TResult>(
        ExecutionScope scope,
        GateDecision decision,
        FailMode? exemption,
        SideEffectCall<TContext, TState, TResult> call)
    {
        CancellationToken cancellationToken = call.CancellationToken;
        if (!decision.IsAllowed)
        {
            if (InForce(exemption) && decision.Verdict == Verdict.Indeterminate && !cancellationToken.IsCancellationRequested)
            {
                return FailOpenAsync(scope, decision, exemption, call);
            }

            // Reviewers may stand in for a check that could not answer, when the action says who can approve it.
            return decision.Verdict == Verdict.Indeterminate && _reviewQueue is not null && !cancellationToken.IsCancellationRequested
                && _catalog.GetApprovalRule(scope.Action) is not null
                ? EscalateAsync(scope, decision, call)
                : BlockAsync<TResult>(scope, decision);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return BlockAsync<TResult>(scope, _canceled);
        }

        // An action that always needs approval is escalated on purpose; the flag spares every other catalog the lookup.
        if (_catalog.HasMandatoryApprovals && _catalog.RequiresApproval(scope.Action))
        {
            return EscalateAsync(scope, MandatoryReview(scope.Action), call);
        }

        // 3. Intent: acknowledged before the side effect starts, or the side effect does not start.
        ValueTask<EvidenceWrite> intent = WriteAsync(scope, scope.ToRecord(EvidenceKind.Intent, decision, null, _timeProvider.GetUtcNow()), cancellationToken);
        return intent.IsCompletedSuccessfully
            ? AfterIntentAsync(intent.Result, scope, decision, exemption, call)
            : AfterIntentSlowAsync(intent, scope, decision, exemption, call);
    }

    private async ValueTask<GuardedResult<TResult>> AfterIntentSlowAsync<TContext, TState, TResult>(
        ValueTask<EvidenceWrite> intent,
        ExecutionScope scope,
        GateDecision decision,
        FailMode? exemption,
        SideEffectCall<TContext, TState, TResult> call)
    {
        EvidenceWrite written = await intent.ConfigureAwait(false);
        return await AfterIntentAsync(written, scope, decision, exemption, call).ConfigureAwait(false);
    }

    private ValueTask<GuardedResult<TResult>> AfterIntentAsync<TContext, TState, TResult>(
        EvidenceWrite intent,
        ExecutionScope scope,
        GateDecision decision,
        FailMode? exemption,
        SideEffectCall<TContext, TState, TResult> call)
    {
        if (intent.IsUnencodable)
        {
            return BlockAsync<TResult>(scope, Unencodable(scope, intent.Failure));
        }

        if (intent.CanceledByCaller || call.CancellationToken.IsCancellationRequested)
        {
            return BlockAsync<TResult>(scope, _canceled);
        }

        if (!intent.IsWritten)
        {
            GateDecision outage = GateDecision.Indeterminate(
                GateName,
                GateCodes.EvidenceUnavailable,
                "The Intent record of action '" + scope.Action + "' was not acknowledged: " + intent.Failure);
            return InForce(exemption)
                ? FailOpenAsync(scope, outage, exemption, call)
                : EscalateAsync(scope, outage, call);
        }

        // 4 and 5.
        return RunAsync(scope, decision, intent.Receipt, isFailOpen: false, call);
    }

    private async ValueTask<GuardedResult<TResult>> FailOpenAsync<TContext, TState, TResult>(
        ExecutionScope scope,
        GateDecision decision,
        FailMode exemption,
        SideEffectCall<TContext, TState, TResult> call)
    {
        string detail = string.Create(
            CultureInfo.InvariantCulture,
            $"Ran under a fail-open exemption until {exemption.ReviewBy!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: {exemption.Justification}");
        EvidenceWrite announcement = await WriteAsync(scope, scope.ToRecord(EvidenceKind.FailOpen, decision, detail, _timeProvider.GetUtcNow()), call.CancellationToken)
            .ConfigureAwait(false);
        if (announcement.IsUnencodable)
        {
            // Never an outage the exemption covers: the caller's own record is broken.
            return await BlockAsync<TResult>(scope, Unencodable(scope, announcement.Failure)).ConfigureAwait(false);
        }

        if (announcement.CanceledByCaller || call.CancellationToken.IsCancellationRequested)
        {
            return await BlockAsync<TResult>(scope, _canceled).ConfigureAwait(false);
        }

        if (!InForce(exemption))
        {
            // The exemption reached its review date while the FailOpen record was being written: from that
            // instant the action is closed again. The Decision record written by the block follows the FailOpen
            // record under the same execution id, so the trail says the side effect did not run.
            return await BlockAsync<TResult>(scope, decision).ConfigureAwait(false);
        }

        return await RunAsync(scope, decision, announcement.Receipt, isFailOpen: true, call).ConfigureAwait(false);
    }

    /// <summary>A stage's duration for the telemetry, or zero when the stage is not timed.</summary>
    private TimeSpan StageElapsed(bool timed, long started) => timed ? _timeProvider.GetElapsedTime(started) : TimeSpan.Zero;

    /// <summary>
    /// Whether a fail-open exemption still applies now. Checked at every point that relies on it, not once per
    /// execution: a gate or an evidence write can take long enough for the review date to pass in between.
    /// </summary>
    private bool InForce([NotNullWhen(true)] FailMode? exemption) => exemption is not null && exemption.IsInForceAt(_timeProvider.GetUtcNow());

    private ValueTask<GuardedResult<TResult>> RunAsync<TContext, TState, TResult>(
        ExecutionScope scope,
        GateDecision decision,
        EvidenceReceipt? announcement,
        bool isFailOpen,
        SideEffectCall<TContext, TState, TResult> call)
    {
        bool timed = _telemetry.TimesSideEffect(scope.Telemetry);
        long started = timed ? _timeProvider.GetTimestamp() : 0;
        ValueTask<TResult> pending;
        try
        {
            pending = call.Invoke();
        }
        catch (Exception exception)
        {
            _telemetry.OnSideEffectCompleted(scope.Telemetry, scope.Action, StageElapsed(timed, started), exception);
            return RecordFailureAsync<TResult>(scope, decision, announcement, isFailOpen, ExceptionDispatchInfo.Capture(exception));
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return RunSlowAsync(pending, timed, started, scope, decision, announcement, isFailOpen);
        }

        TResult value = pending.Result;
        _telemetry.OnSideEffectCompleted(scope.Telemetry, scope.Action, StageElapsed(timed, started), null);
        return RecordOutcomeAsync(value, scope, decision, announcement, isFailOpen);
    }

    private async ValueTask<GuardedResult<TResult>> RunSlowAsync<TResult>(
        ValueTask<TResult> pending,
        bool timed,
        long started,
        ExecutionScope scope,
        GateDecision decision,
        EvidenceReceipt? announcement,
        bool isFailOpen)
    {
        TResult value;
        try
        {
            value = await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _telemetry.OnSideEffectCompleted(scope.Telemetry, scope.Action, StageElapsed(timed, started), exception);
            return await RecordFailureAsync<TResult>(scope, decision, announcement, isFailOpen, ExceptionDispatchInfo.Capture(exception)).ConfigureAwait(false);
        }

        _telemetry.OnSideEffectCompleted(scope.Telemetry, scope.Action, StageElapsed(timed, started), null);
        return await RecordOutcomeAsync(value, scope, decision, announcement, isFailOpen).ConfigureAwait(false);
    }

    private ValueTask<GuardedResult<TResult>> RecordOutcomeAsync<TResult>(
        TResult value,
        ExecutionScope scope,
        GateDecision decision,
        EvidenceReceipt? announcement,
        bool isFailOpen)
    {
        // An Outcome is written only after an acknowledged Intent (or FailOpen) record, so the evidence never holds
        // an outcome whose announcement is missing. The caller's token is not passed: the side effect has run.
        if (!announcement.HasValue)
        {
            return new ValueTask<GuardedResult<TResult>>(Completed(value, scope, decision, announcement, default, isFailOpen));
        }

        ValueTask<EvidenceWrite> outcome = WriteAsync(scope, scope.ToRecord(EvidenceKind.Outcome, decision, CompletedDetail, _timeProvider.GetUtcNow()), CancellationToken.None);
        return outcome.IsCompletedSuccessfully
            ? new ValueTask<GuardedResult<TResult>>(Completed(value, scope, decision, announcement, outcome.Result, isFailOpen))
            : RecordOutcomeSlowAsync(outcome, value, scope, decision, announcement, isFailOpen);
    }

    private async ValueTask<GuardedResult<TResult>> RecordOutcomeSlowAsync<TResult>(
        ValueTask<EvidenceWrite> outcome,
        TResult value,
        ExecutionScope scope,
        GateDecision decision,
        EvidenceReceipt? announcement,
        bool isFailOpen) =>
        Completed(value, scope, decision, announcement, await outcome.ConfigureAwait(false), isFailOpen);

    private GuardedResult<TResult> Completed<TResult>(
        TResult value,
        ExecutionScope scope,
        GateDecision decision,
        EvidenceReceipt? announcement,
        EvidenceWrite outcome,
        bool isFailOpen)
    {
        _telemetry.OnExecutionCompleted(scope.Telemetry, new ExecutionReport(scope.Action, scope.ExecutionId, scope.Subject, decision, true, isFailOpen, outcome.IsWritten, null, null));
        return new GuardedResult<TResult>(true, value, decision, scope.ExecutionId, scope.TraceId, announcement, outcome.Receipt, null, isFailOpen);
    }

    private async ValueTask<GuardedResult<TResult>> RecordFailureAsync<TResult>(
        ExecutionScope scope,
        GateDecision decision,
        EvidenceReceipt? announcement,
        bool isFailOpen,
        ExceptionDispatchInfo thrown)
    {
        // The type says what went wrong; the message may carry secrets and never reaches evidence.
        EvidenceWrite outcome = default;
        if (announcement.HasValue)
        {
            string detail = "Threw " + Truncate(thrown.SourceException.GetType().FullName);
            outcome = await WriteAsync(scope, scope.ToRecord(EvidenceKind.Outcome, decision, detail, _timeProvider.GetUtcNow()), CancellationToken.None)
                .ConfigureAwait(false);
        }

        _telemetry.OnExecutionCompleted(
            scope.Telemetry,
            new ExecutionReport(scope.Action, scope.ExecutionId, scope.Subject, decision, true, isFailOpen, outcome.IsWritten, null, thrown.SourceException));
        thrown.Throw();
        throw new UnreachableException();
    }

    private ValueTask<GuardedResult<TResult>> BlockAsync<TResult>(ExecutionScope scope, GateDecision decision) =>
        BlockAsync<TResult>(scope, decision, retryUnencodable: true);

    private ValueTask<GuardedResult<TResult>> BlockAsync<TResult>(ExecutionScope scope, GateDecision decision, bool retryUnencodable)
    {
        // The block stands whether or not its record is written; the caller's token is not passed, so a canceled
        // request still leaves its Decision record when the sink can take it.
        ValueTask<EvidenceWrite> write = WriteAsync(scope, scope.ToRecord(EvidenceKind.Decision, decision, decision.Reason, _timeProvider.GetUtcNow()), CancellationToken.None);
        if (!write.IsCompletedSuccessfully)
        {
            return BlockSlowAsync<TResult>(write, scope, decision);
        }

        // The culprit may be the subject, the pins or the decision's own reason (a gate's free text): retry once
        // without the first two and with the executor's short reason, which a valid action name always fits.
        EvidenceWrite written = write.Result;
        return written.IsUnencodable && retryUnencodable
            ? BlockAsync<TResult>(scope.Bare(), Unrecordable(scope, decision, written.Failure), retryUnencodable: false)
            : new ValueTask<GuardedResult<TResult>>(Blocked<TResult>(scope, decision, written, null));
    }

    /// <summary>
    /// The block that replaces <paramref name="decision"/> when its Decision record cannot be encoded. A definite deny
    /// stays a deny with its gate and code (only its free-text reason is replaced): callers, evidence readers and
    /// adapters answer a deny differently from an uncertain answer (403, not 503), and a gate's overlong reason must
    /// not turn one into the other. Anything else becomes a Fault.
    /// </summary>
    private static GateDecision Unrecordable(ExecutionScope scope, GateDecision decision, string? problem) =>
        decision.Verdict == Verdict.Deny
            ? GateDecision.Deny(
                decision.Gate,
                "Denied by gate '" + decision.Gate + "'; the decision could not be recorded as given (" + problem + "), so its record leaves out the gate's reason, the subject and the pins.",
                decision.Code)
            : Unencodable(scope, problem);

    private async ValueTask<GuardedResult<TResult>> BlockSlowAsync<TResult>(ValueTask<EvidenceWrite> write, ExecutionScope scope, GateDecision decision) =>
        Blocked<TResult>(scope, decision, await write.ConfigureAwait(false), null);

    private GuardedResult<TResult> Blocked<TResult>(ExecutionScope scope, GateDecision decision, EvidenceWrite write, ReviewTicket? ticket)
    {
        _telemetry.OnExecutionCompleted(scope.Telemetry, new ExecutionReport(scope.Action, scope.ExecutionId, scope.Subject, decision, false, false, true, ticket, null));
        return new(false, default!, decision, scope.ExecutionId, scope.TraceId, write.Receipt, null, ticket, false);
    }

    /// <summary>
    /// The block for a record that cannot be encoded. Its Decision record leaves out the subject and pins (the usual
    /// culprits); when even that cannot be encoded (the action name itself), the block stands without a record.
    /// </summary>
    private static GateDecision Unencodable(ExecutionScope scope, string? problem) => GateDecision.Indeterminate(
        GateName,
        GateCodes.Fault,
        "The evidence records of action '" + scope.Action + "' cannot be encoded: " + problem + ".");

    private async ValueTask<GuardedResult<TResult>> EscalateAsync<TContext, TState, TResult>(
        ExecutionScope scope,
        GateDecision refusal,
        SideEffectCall<TContext, TState, TResult> call)
    {
        if (_reviewQueue is not { } queue)
        {
            return await BlockAsync<TResult>(scope, refusal).ConfigureAwait(false);
        }

        ReviewRequest request;
        try
        {
            request = DescribeRequest(scope, refusal, call.Action, call.Context);
        }
        catch (Exception exception)
        {
            GateDecision fault = GateDecision.Indeterminate(
                GateName,
                GateCodes.Fault,
                "The request of action '" + scope.Action + "' could not be described for review: " + exception.GetType().FullName + " was thrown.",
                exception);
            return await BlockAsync<TResult>(scope, fault).ConfigureAwait(false);
        }

        // The Escalation record comes first. When evidence is down (often the very reason for review) the ticket is
        // still queued: a Pending ticket enables nothing, and every vote on it needs evidence of its own.
        EvidenceWrite write = await WriteAsync(
                scope,
                scope.ToRecord(EvidenceKind.Escalation, refusal, "Escalated for review as ticket '" + request.TicketId + "' (request digest " + request.RequestDigest + ").", _timeProvider.GetUtcNow()),
                CancellationToken.None)
            .ConfigureAwait(false);
        if (write.IsUnencodable)
        {
            return await BlockAsync<TResult>(scope, Unencodable(scope, write.Failure)).ConfigureAwait(false);
        }

        ReviewTicket? ticket = await TryEnqueueAsync(queue, request, call.CancellationToken).ConfigureAwait(false);
        return ticket is null
            ? await BlockAsync<TResult>(scope, refusal).ConfigureAwait(false)
            : Blocked<TResult>(scope, refusal, write, ticket);
    }

    private ReviewRequest DescribeRequest<TContext>(ExecutionScope scope, GateDecision refusal, GuardedAction<TContext> action, TContext context)
    {
        string? requester = action.Requester?.Invoke(context);
        (string description, string digest) = RequestDescription.Create(
            scope.Action,
            requester,
            scope.Subject,
            Materialize(action.Gate.Pins),
            action.RequestFacts?.Invoke(context));
        DateTimeOffset now = _timeProvider.GetUtcNow();
        return new ReviewRequest
        {
            TicketId = ExecutionIds.New(_timeProvider),
            Action = scope.Action,
            Decision = refusal,
            ExecutionId = scope.ExecutionId,
            TraceId = scope.TraceId,
            RequestedAt = now,
            ExpiresAt = now + (_catalog.GetApprovalRule(scope.Action)?.TimeToLive ?? ApprovalRule.DefaultTimeToLive),
            Requester = requester,
            Subject = scope.Subject,
            Pins = scope.Pins,
            RequestDescription = description,
            RequestDigest = digest,
        };
    }

    private GateDecision MandatoryReview(string action) => GateDecision.Indeterminate(
        GateName,
        GateCodes.EscalatedForReview,
        "The action '" + action + "' always needs approval (" + _catalog.GetApprovalRule(action) + ").");

    private static string? TryDescribe<TContext>(GuardedAction<TContext> action, TContext context)
    {
        try
        {
            return action.DescribeSubject(context);
        }
        catch (Exception)
        {
            return null; // the action is blocked anyway; a record without a subject beats no record
        }
    }

    /// <summary>Copies a gate's pins into an array the executor owns, enumerating the list here, inside the guard.</summary>
    private static IReadOnlyList<PolicyPin> Materialize(IReadOnlyList<PolicyPin>? pins)
    {
        switch (pins)
        {
            case null:
                return [];
            case PolicyPin[]:
                return pins; // indexing an array cannot throw, and the hot path of a pinned gate stays allocation-free
        }

        var copy = new List<PolicyPin>();
        foreach (PolicyPin pin in pins)
        {
            copy.Add(pin);
        }

        return copy.Count == 0 ? [] : copy.ToArray();
    }

    private static string? Truncate(string? typeName) =>
        typeName is { Length: > MaxTypeNameLength } ? typeName[..MaxTypeNameLength] : typeName;

    private static IReadOnlyList<PolicyPin> MergePins(IReadOnlyList<PolicyPin> gatePins, GateDecision decision)
    {
        if (decision.Pin is not { } pin)
        {
            return gatePins;
        }

        int count = gatePins.Count;
        for (int i = 0; i < count; i++)
        {
            if (gatePins[i] == pin)
            {
                return gatePins;
            }
        }

        var pins = new PolicyPin[count + 1];
        for (int i = 0; i < count; i++)
        {
            pins[i] = gatePins[i];
        }

        pins[count] = pin;
        return pins;
    }
}

using System.Globalization;
using System.Runtime.ExceptionServices;

namespace FailClosed.Gates;

/// <summary>The fixed order of one execution: classify, evaluate, Intent, side effect, Outcome.</summary>
public sealed partial class EvidenceFirstExecutor
{
    private const string CompletedDetail = "Completed";

    private async ValueTask<GuardedResult<TResult>> ExecuteCoreAsync<TContext, TState, TResult>(
        GuardedAction<TContext> action,
        TContext context,
        TState state,
        Func<TContext, TState, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken)
    {
        string correlationId = CorrelationIds.Current();
        string name = action.Name;

        // 1. Classify. An unlisted action in a strict catalog is a definite no, before its gate is asked.
        if (_catalog.IsStrict && !_catalog.Contains(name))
        {
            var unlisted = new ExecutionScope(name, correlationId, TryDescribe(action, context), []);
            GateDecision unclassified = GateDecision.Deny(
                ActionCatalog.GateName,
                "The action '" + name + "' is not in the strict action catalog.",
                GateCodes.ActionUnclassified);
            return await BlockAsync<TResult>(unlisted, unclassified).ConfigureAwait(false);
        }

        FailMode mode = _catalog.GetMode(name);
        bool failOpen = mode.IsOpen && mode.IsInForceAt(_timeProvider.GetUtcNow());

        // The facts every record carries. A describer (or a custom gate's Pins) that throws leaves no trustworthy
        // evidence to write, so it blocks; it is the caller's bug, not an uncertainty an exemption covers.
        string? subject;
        IReadOnlyList<PolicyPin> gatePins;
        try
        {
            subject = action.DescribeSubject(context);
            gatePins = action.Gate.Pins ?? [];
        }
        catch (Exception exception)
        {
            GateDecision fault = GateDecision.Indeterminate(
                GateName,
                GateCodes.Fault,
                "The subject or the policy pins of action '" + name + "' could not be read: " + exception.GetType().FullName + " was thrown.",
                exception);
            return await BlockAsync<TResult>(new ExecutionScope(name, correlationId, null, []), fault).ConfigureAwait(false);
        }

        // 2. Evaluate. EvaluateAsync never throws: faults, timeouts and cancellation arrive as blocks.
        GateDecision decision = await action.Gate.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
        var scope = new ExecutionScope(name, correlationId, subject, MergePins(gatePins, decision));

        if (!decision.IsAllowed)
        {
            return failOpen && decision.Verdict == Verdict.Indeterminate && !cancellationToken.IsCancellationRequested
                ? await FailOpenAsync(scope, decision, mode, context, state, sideEffect, cancellationToken).ConfigureAwait(false)
                : await BlockAsync<TResult>(scope, decision).ConfigureAwait(false);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return await BlockAsync<TResult>(scope, _canceled).ConfigureAwait(false);
        }

        // 3. Intent: acknowledged before the side effect starts, or the side effect does not start.
        EvidenceWrite intent = await WriteAsync(scope.ToRecord(EvidenceKind.Intent, decision, null, _timeProvider.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
        if (intent.CanceledByCaller || cancellationToken.IsCancellationRequested)
        {
            return await BlockAsync<TResult>(scope, _canceled).ConfigureAwait(false);
        }

        if (!intent.IsWritten)
        {
            GateDecision outage = GateDecision.Indeterminate(
                GateName,
                GateCodes.EvidenceUnavailable,
                "The Intent record of action '" + name + "' was not acknowledged: " + intent.Failure);
            return failOpen
                ? await FailOpenAsync(scope, outage, mode, context, state, sideEffect, cancellationToken).ConfigureAwait(false)
                : await EscalateAsync<TResult>(scope, outage, cancellationToken).ConfigureAwait(false);
        }

        // 4 and 5.
        return await RunAsync(scope, decision, intent.Receipt, isFailOpen: false, context, state, sideEffect, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<GuardedResult<TResult>> FailOpenAsync<TContext, TState, TResult>(
        ExecutionScope scope,
        GateDecision decision,
        FailMode mode,
        TContext context,
        TState state,
        Func<TContext, TState, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken)
    {
        string detail = string.Create(
            CultureInfo.InvariantCulture,
            $"Ran under a fail-open exemption until {mode.ReviewBy!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: {mode.Justification}");
        EvidenceWrite announcement = await WriteAsync(scope.ToRecord(EvidenceKind.FailOpen, decision, detail, _timeProvider.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
        if (announcement.CanceledByCaller || cancellationToken.IsCancellationRequested)
        {
            return await BlockAsync<TResult>(scope, _canceled).ConfigureAwait(false);
        }

        ExecutorMetrics.RecordFailOpen(scope.Action, decision.Code);
        return await RunAsync(scope, decision, announcement.Receipt, isFailOpen: true, context, state, sideEffect, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<GuardedResult<TResult>> RunAsync<TContext, TState, TResult>(
        ExecutionScope scope,
        GateDecision decision,
        EvidenceReceipt? announcement,
        bool isFailOpen,
        TContext context,
        TState state,
        Func<TContext, TState, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken)
    {
        TResult value = default!;
        ExceptionDispatchInfo? thrown = null;
        try
        {
            value = await sideEffect(context, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            thrown = ExceptionDispatchInfo.Capture(exception);
        }

        // An Outcome is written only after an acknowledged Intent (or FailOpen) record, so the evidence never holds
        // an outcome whose announcement is missing. The caller's token is not passed: the side effect has run.
        EvidenceReceipt? outcome = null;
        if (announcement.HasValue)
        {
            string detail = thrown is null ? CompletedDetail : "Threw " + thrown.SourceException.GetType().FullName;
            EvidenceWrite write = await WriteAsync(scope.ToRecord(EvidenceKind.Outcome, decision, detail, _timeProvider.GetUtcNow()), CancellationToken.None)
                .ConfigureAwait(false);
            outcome = write.Receipt;
        }

        if (!outcome.HasValue)
        {
            ExecutorMetrics.RecordOutcomeUnrecorded(scope.Action);
        }

        thrown?.Throw();
        return new GuardedResult<TResult>(true, value, decision, scope.CorrelationId, announcement, outcome, null, isFailOpen);
    }

    private async ValueTask<GuardedResult<TResult>> BlockAsync<TResult>(ExecutionScope scope, GateDecision decision)
    {
        // The block stands whether or not its record is written; the caller's token is not passed, so a canceled
        // request still leaves its Decision record when the sink can take it.
        EvidenceWrite write = await WriteAsync(scope.ToRecord(EvidenceKind.Decision, decision, decision.Reason, _timeProvider.GetUtcNow()), CancellationToken.None)
            .ConfigureAwait(false);
        return new GuardedResult<TResult>(false, default!, decision, scope.CorrelationId, write.Receipt, null, null, false);
    }

    private async ValueTask<GuardedResult<TResult>> EscalateAsync<TResult>(ExecutionScope scope, GateDecision outage, CancellationToken cancellationToken)
    {
        ReviewTicket? ticket = _reviewQueue is { } queue
            ? await TryEnqueueAsync(queue, scope.ToReviewRequest(outage, _timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false)
            : null;
        if (ticket is null)
        {
            return await BlockAsync<TResult>(scope, outage).ConfigureAwait(false);
        }

        EvidenceWrite write = await WriteAsync(
                scope.ToRecord(EvidenceKind.Escalation, outage, "Queued for review as ticket '" + ticket.Id + "'.", _timeProvider.GetUtcNow()),
                CancellationToken.None)
            .ConfigureAwait(false);
        return new GuardedResult<TResult>(false, default!, outage, scope.CorrelationId, write.Receipt, null, ticket, false);
    }

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

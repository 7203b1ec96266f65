namespace FailClosed.Gates;

/// <summary>
/// Observes what an <see cref="EvidenceFirstExecutor"/> does, for logs, metrics and traces, without the core
/// depending on a logging or DI framework. Every method is a no-op unless overridden.
/// </summary>
/// <remarks>
/// <para>
/// The executor calls these methods inline, on the execution's own path, so they must be cheap, must not block and
/// must not throw: an exception would reach the caller in place of the result. They receive only what evidence
/// records hold (the action, its secret-free subject, codes and reasons), never the context or the side effect's
/// arguments or value.
/// </para>
/// <para>
/// <see cref="OnExecutionStarted"/> returns a per-execution state (a trace span, say) that the executor passes back
/// to every later call for the same execution. FailClosed.Gates.Extensions implements this type with
/// <c>ILogger</c>, <c>IMeterFactory</c> and an <c>ActivitySource</c>.
/// </para>
/// </remarks>
public abstract class ExecutionTelemetry
{
    /// <summary>Called once when an execution starts, before the action is classified.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="executionId">The id every evidence record of this execution carries.</param>
    /// <returns>A state passed to the other methods for this execution; <see langword="null"/> by default.</returns>
    public virtual object? OnExecutionStarted(string action, string executionId) => null;

    /// <summary>
    /// Returns whether the gate stage of this execution should be timed for <see cref="OnGateEvaluated"/>. When it
    /// returns <see langword="false"/>, the executor skips two clock reads and passes <see cref="TimeSpan.Zero"/>.
    /// </summary>
    /// <param name="state">What <see cref="OnExecutionStarted"/> returned.</param>
    /// <returns><see langword="true"/> by default.</returns>
    public virtual bool TimesGate(object? state) => true;

    /// <summary>
    /// Returns whether the side effect of this execution should be timed for <see cref="OnSideEffectCompleted"/>. When
    /// it returns <see langword="false"/>, the executor skips two clock reads and passes <see cref="TimeSpan.Zero"/>.
    /// </summary>
    /// <param name="state">What <see cref="OnExecutionStarted"/> returned.</param>
    /// <returns><see langword="true"/> by default.</returns>
    public virtual bool TimesSideEffect(object? state) => true;

    /// <summary>Called when the action's gate has answered.</summary>
    /// <param name="state">What <see cref="OnExecutionStarted"/> returned.</param>
    /// <param name="action">The action name.</param>
    /// <param name="decision">The gate's decision.</param>
    /// <param name="elapsed">How long the evaluation took, by the executor's <see cref="TimeProvider"/>.</param>
    public virtual void OnGateEvaluated(object? state, string action, GateDecision decision, TimeSpan elapsed)
    {
    }

    /// <summary>Called when an evidence write has ended, acknowledged or not.</summary>
    /// <param name="state">What <see cref="OnExecutionStarted"/> returned.</param>
    /// <param name="action">The action name.</param>
    /// <param name="kind">The kind of record written.</param>
    /// <param name="elapsed">How long the write took, by the executor's <see cref="TimeProvider"/>.</param>
    /// <param name="written">Whether the sink acknowledged the record within the deadline.</param>
    public virtual void OnEvidenceWritten(object? state, string action, EvidenceKind kind, TimeSpan elapsed, bool written)
    {
    }

    /// <summary>Called when the side effect has returned or thrown.</summary>
    /// <param name="state">What <see cref="OnExecutionStarted"/> returned.</param>
    /// <param name="action">The action name.</param>
    /// <param name="elapsed">How long the side effect took, by the executor's <see cref="TimeProvider"/>.</param>
    /// <param name="exception">What the side effect threw, or <see langword="null"/>; it is rethrown to the caller.</param>
    public virtual void OnSideEffectCompleted(object? state, string action, TimeSpan elapsed, Exception? exception)
    {
    }

    /// <summary>Called once when an execution ends: blocked, run, or run and thrown.</summary>
    /// <param name="state">What <see cref="OnExecutionStarted"/> returned.</param>
    /// <param name="report">What happened.</param>
    public virtual void OnExecutionCompleted(object? state, in ExecutionReport report)
    {
    }

    /// <summary>
    /// Called when a review ticket changed through this executor: a vote counted, a ticket expired, or an approved
    /// request was claimed to run. Queuing a ticket is reported by <see cref="OnExecutionCompleted"/>
    /// (<see cref="ExecutionReport.ReviewTicket"/>).
    /// </summary>
    /// <param name="ticket">The ticket as the queue stored it after the change.</param>
    /// <param name="change">What changed it.</param>
    /// <param name="previousState">The ticket's state before the change; equal to the new state when a vote counted
    /// without deciding the ticket.</param>
    public virtual void OnReviewTicketChanged(ReviewTicket ticket, ReviewTransitionKind change, ReviewTicketState previousState)
    {
    }
}

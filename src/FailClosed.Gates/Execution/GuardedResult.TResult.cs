using System.Runtime.InteropServices;

namespace FailClosed.Gates;

/// <summary>
/// What an <see cref="EvidenceFirstExecutor"/> did with one request: whether the side effect ran, its value, the
/// decision that governed it and the evidence that proves it.
/// </summary>
/// <typeparam name="TResult">The type of the side effect's value.</typeparam>
/// <remarks>
/// <c>default(GuardedResult&lt;TResult&gt;)</c> is a block with an <see cref="GateCodes.Unset"/> decision.
/// A side effect that threw produces no result: its exception reaches the caller.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly struct GuardedResult<TResult>
{
    private readonly TResult _value;
    private readonly string? _executionId;

    internal GuardedResult(
        bool executed,
        TResult value,
        GateDecision decision,
        string executionId,
        string? traceId,
        EvidenceReceipt? evidenceReceipt,
        EvidenceReceipt? outcomeReceipt,
        ReviewTicket? reviewTicket,
        bool isFailOpen)
    {
        Executed = executed;
        _value = value;
        Decision = decision;
        _executionId = executionId;
        TraceId = traceId;
        EvidenceReceipt = evidenceReceipt;
        OutcomeReceipt = outcomeReceipt;
        ReviewTicket = reviewTicket;
        IsFailOpen = isFailOpen;
    }

    /// <summary>Gets a value indicating whether the side effect ran to completion.</summary>
    public bool Executed { get; }

    /// <summary>Gets a value indicating whether the request was blocked: the side effect did not run.</summary>
    public bool IsBlocked => !Executed;

    /// <summary>Gets the side effect's value.</summary>
    /// <exception cref="InvalidOperationException">The request was blocked, so there is no value; check <see cref="Executed"/> or use <see cref="TryGetValue"/>.</exception>
    public TResult Value => Executed
        ? _value
        : throw new InvalidOperationException("The request was blocked (" + Decision.ToString() + "), so it has no value; check Executed before reading Value.");

    /// <summary>
    /// Gets the decision that governed the request: the allow it ran under, the block that stopped it, or — for a
    /// fail-open run — the <see cref="Verdict.Indeterminate"/> decision it ran despite.
    /// </summary>
    public GateDecision Decision { get; }

    /// <summary>Gets the id of this execution, which every one of its evidence records carries.</summary>
    /// <value>A UUIDv7 (36 characters) stamped by the executor's <see cref="TimeProvider"/>, new for every execution.
    /// The empty string for <c>default</c>.</value>
    public string ExecutionId => _executionId ?? string.Empty;

    /// <summary>Gets the W3C trace id the execution ran in; many executions may share it.</summary>
    /// <value>The trace id of <see cref="System.Diagnostics.Activity.Current"/> when it uses W3C ids; otherwise
    /// <see langword="null"/>.</value>
    public string? TraceId { get; }

    /// <summary>
    /// Gets the receipt of the record that authorized or explains the request: the Intent (ran), the FailOpen record
    /// (ran by exemption), or the Decision or Escalation record (blocked).
    /// </summary>
    /// <value><see langword="null"/> when that record could not be written; a block stands regardless.</value>
    public EvidenceReceipt? EvidenceReceipt { get; }

    /// <summary>Gets the receipt of the Outcome record written after the side effect completed.</summary>
    /// <value><see langword="null"/> when the request was blocked or the outcome could not be recorded.</value>
    public EvidenceReceipt? OutcomeReceipt { get; }

    /// <summary>
    /// Gets a value indicating whether the side effect ran but its Outcome record could not be written. The Intent
    /// (or FailOpen) record already proves the attempt; the executor counts every such case.
    /// </summary>
    public bool IsOutcomeUnrecorded => Executed && !OutcomeReceipt.HasValue;

    /// <summary>Gets the review ticket of a request queued because its intent could not be recorded.</summary>
    public ReviewTicket? ReviewTicket { get; }

    /// <summary>Gets a value indicating whether the side effect ran under a fail-open exemption, despite an
    /// <see cref="Verdict.Indeterminate"/> decision or an evidence outage.</summary>
    public bool IsFailOpen { get; }

    /// <summary>Gets the side effect's value when it ran.</summary>
    /// <param name="value">The value, or <c>default</c> when the request was blocked.</param>
    /// <returns><see langword="true"/> when the side effect ran.</returns>
    public bool TryGetValue(out TResult value)
    {
        value = _value;
        return Executed;
    }

    /// <summary>Returns a one-line description such as <c>Executed under Allow(Allowed) by 'g'</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        IsFailOpen ? "Executed (fail-open) despite " + Decision.ToString()
        : Executed ? "Executed under " + Decision.ToString()
        : "Blocked by " + Decision.ToString();
}

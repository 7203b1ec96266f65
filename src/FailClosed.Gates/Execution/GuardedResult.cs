using System.Runtime.InteropServices;

namespace FailClosed.Gates;

/// <summary>
/// What an <see cref="EvidenceFirstExecutor"/> did with one request whose side effect returns no value.
/// </summary>
/// <remarks>
/// <c>default(GuardedResult)</c> is a block with an <see cref="GateCodes.Unset"/> decision.
/// A side effect that threw produces no result: its exception reaches the caller.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public readonly struct GuardedResult
{
    private readonly GuardedResult<ValueTuple> _result;

    internal GuardedResult(GuardedResult<ValueTuple> result)
    {
        _result = result;
    }

    /// <summary>Gets a value indicating whether the side effect ran to completion.</summary>
    public bool Executed => _result.Executed;

    /// <summary>Gets a value indicating whether the request was blocked: the side effect did not run.</summary>
    public bool IsBlocked => _result.IsBlocked;

    /// <inheritdoc cref="GuardedResult{TResult}.Decision"/>
    public GateDecision Decision => _result.Decision;

    /// <inheritdoc cref="GuardedResult{TResult}.ExecutionId"/>
    public string ExecutionId => _result.ExecutionId;

    /// <inheritdoc cref="GuardedResult{TResult}.TraceId"/>
    public string? TraceId => _result.TraceId;

    /// <inheritdoc cref="GuardedResult{TResult}.EvidenceReceipt"/>
    public EvidenceReceipt? EvidenceReceipt => _result.EvidenceReceipt;

    /// <inheritdoc cref="GuardedResult{TResult}.OutcomeReceipt"/>
    public EvidenceReceipt? OutcomeReceipt => _result.OutcomeReceipt;

    /// <inheritdoc cref="GuardedResult{TResult}.IsOutcomeUnrecorded"/>
    public bool IsOutcomeUnrecorded => _result.IsOutcomeUnrecorded;

    /// <inheritdoc cref="GuardedResult{TResult}.ReviewTicket"/>
    public ReviewTicket? ReviewTicket => _result.ReviewTicket;

    /// <inheritdoc cref="GuardedResult{TResult}.IsFailOpen"/>
    public bool IsFailOpen => _result.IsFailOpen;

    /// <inheritdoc cref="GuardedResult{TResult}.ToString"/>
    public override string ToString() => _result.ToString();
}

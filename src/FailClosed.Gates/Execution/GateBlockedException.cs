namespace FailClosed.Gates;

/// <summary>
/// Thrown by <see cref="EvidenceFirstExecutor"/>'s <c>ExecuteOrThrowAsync</c> overloads when a request is blocked;
/// carries the decision that blocked it.
/// </summary>
public sealed class GateBlockedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="GateBlockedException"/> class.</summary>
    public GateBlockedException()
        : this("The guarded action was blocked.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GateBlockedException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public GateBlockedException(string message)
        : base(message)
    {
        Action = string.Empty;
        ExecutionId = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="GateBlockedException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GateBlockedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Action = string.Empty;
        ExecutionId = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="GateBlockedException"/> class for a blocked request.</summary>
    /// <param name="action">The name of the blocked action.</param>
    /// <param name="decision">The decision that blocked it.</param>
    /// <param name="executionId">The id of the execution, which its evidence records carry.</param>
    /// <param name="traceId">The W3C trace id the execution ran in; <see langword="null"/> outside a trace.</param>
    /// <param name="reviewTicket">The review ticket, when the request was queued for review.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="executionId"/> is null.</exception>
    public GateBlockedException(string action, GateDecision decision, string executionId, string? traceId = null, ReviewTicket? reviewTicket = null)
        : base(CreateMessage(action, decision, reviewTicket), decision.Exception)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        Action = action;
        Decision = decision;
        ExecutionId = executionId;
        TraceId = traceId;
        ReviewTicket = reviewTicket;
    }

    /// <summary>Gets the name of the blocked action.</summary>
    public string Action { get; }

    /// <summary>Gets the decision that blocked the request.</summary>
    public GateDecision Decision { get; }

    /// <summary>Gets the code of the blocking decision; one of <see cref="GateCodes"/>.</summary>
    public string Code => Decision.Code;

    /// <summary>Gets the id of the blocked execution, which its evidence records carry.</summary>
    public string ExecutionId { get; }

    /// <summary>Gets the W3C trace id the execution ran in; <see langword="null"/> outside a trace.</summary>
    public string? TraceId { get; }

    /// <summary>Gets the review ticket, when the request was queued for review.</summary>
    public ReviewTicket? ReviewTicket { get; }

    private static string CreateMessage(string action, GateDecision decision, ReviewTicket? reviewTicket)
    {
        ArgumentNullException.ThrowIfNull(action);
        string message = "The action '" + action + "' was blocked: " + decision.ToString() + ".";
        return reviewTicket is null ? message : message + " It was queued for review as ticket '" + reviewTicket.Id + "'.";
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FailClosed.Gates.AspNetCore;

/// <summary>A block about to be answered with problem details; see <see cref="GateEndpointOptions.OnBlocked"/>.</summary>
public sealed class GateProblemContext
{
    internal GateProblemContext(HttpContext httpContext, string action, GateDecision decision, string executionId, ReviewTicket? reviewTicket, ProblemDetails problemDetails)
    {
        HttpContext = httpContext;
        Action = action;
        Decision = decision;
        ExecutionId = executionId;
        ReviewTicket = reviewTicket;
        ProblemDetails = problemDetails;
    }

    /// <summary>Gets the request that was blocked.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Gets the name of the blocked action.</summary>
    public string Action { get; }

    /// <summary>Gets the decision that blocked the request. Its reason and exception are for logs, not for the client.</summary>
    public GateDecision Decision { get; }

    /// <summary>Gets the id of the execution, which every evidence record of the request carries.</summary>
    public string ExecutionId { get; }

    /// <summary>Gets the review ticket, when the request was queued for review.</summary>
    public ReviewTicket? ReviewTicket { get; }

    /// <summary>Gets the problem details to be written; change what you need.</summary>
    public ProblemDetails ProblemDetails { get; }
}

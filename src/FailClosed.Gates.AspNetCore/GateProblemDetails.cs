using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FailClosed.Gates.AspNetCore;

/// <summary>The RFC 9457 problem details a gated endpoint answers a block with.</summary>
public static class GateProblemDetails
{
    /// <summary>The prefix of the <c>type</c> member; the code follows it, as in <c>urn:failclosed:gates:Denied</c>.</summary>
    public const string TypePrefix = "urn:failclosed:gates:";

    /// <summary>The extension member holding the code of the blocking decision; one of <see cref="GateCodes"/>.</summary>
    public const string CodeMember = "code";

    /// <summary>The extension member holding the name of the gate that decided.</summary>
    public const string GateMember = "gate";

    /// <summary>The extension member holding the execution id that every evidence record of the request carries.</summary>
    public const string ExecutionIdMember = "executionId";

    /// <summary>The extension member holding the review ticket id, present when the request was queued for review.</summary>
    public const string ReviewTicketIdMember = "reviewTicketId";

    /// <summary>Returns the status code of a block: 403 for a deny, 503 for an indeterminate decision.</summary>
    /// <param name="decision">The blocking decision.</param>
    /// <returns><see cref="StatusCodes.Status403Forbidden"/> or <see cref="StatusCodes.Status503ServiceUnavailable"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="decision"/> allows.</exception>
    public static int StatusCodeFor(GateDecision decision) => decision.Verdict switch
    {
        Verdict.Deny => StatusCodes.Status403Forbidden,
        Verdict.Indeterminate => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentException("The decision '" + decision.ToString() + "' allows; only a block has problem details.", nameof(decision)),
    };

    /// <summary>Returns whether an outage caused a block, so a retry later may succeed: an evidence outage or a timeout.</summary>
    /// <param name="decision">The blocking decision.</param>
    /// <returns><see langword="true"/> for an indeterminate <see cref="GateCodes.EvidenceUnavailable"/> or <see cref="GateCodes.Timeout"/>.</returns>
    public static bool IsOutage(GateDecision decision) =>
        decision.Verdict == Verdict.Indeterminate
        && (decision.Code == GateCodes.EvidenceUnavailable || decision.Code == GateCodes.Timeout);

    /// <summary>Creates the default problem details of a block. The decision's reason and exception are left out.</summary>
    /// <param name="action">The name of the blocked action.</param>
    /// <param name="decision">The blocking decision.</param>
    /// <param name="executionId">The execution id of the request's evidence records.</param>
    /// <param name="reviewTicketId">The review ticket id, when the request was queued for review.</param>
    /// <returns>The problem details.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="executionId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="decision"/> allows.</exception>
    public static ProblemDetails Create(string action, GateDecision decision, string executionId, string? reviewTicketId = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(executionId);
        int status = StatusCodeFor(decision);
        var problem = new ProblemDetails
        {
            Type = TypePrefix + decision.Code,
            Title = decision.Verdict == Verdict.Deny ? "The request was denied." : "The request could not be allowed.",
            Detail = decision.Verdict == Verdict.Deny
                ? string.Create(CultureInfo.InvariantCulture, $"The action '{action}' was denied ({decision.Code}).")
                : string.Create(CultureInfo.InvariantCulture, $"The action '{action}' was blocked because its preconditions could not be established ({decision.Code})."),
        };
        Enforce(problem, status, decision, executionId, reviewTicketId);
        return problem;
    }

    /// <summary>Sets the members a customisation may not change.</summary>
    internal static void Enforce(ProblemDetails problem, int status, GateDecision decision, string executionId, string? reviewTicketId)
    {
        problem.Status = status;
        problem.Extensions[CodeMember] = decision.Code;
        problem.Extensions[GateMember] = decision.Gate;
        problem.Extensions[ExecutionIdMember] = executionId;
        if (reviewTicketId is null)
        {
            problem.Extensions.Remove(ReviewTicketIdMember);
        }
        else
        {
            problem.Extensions[ReviewTicketIdMember] = reviewTicketId;
        }
    }
}

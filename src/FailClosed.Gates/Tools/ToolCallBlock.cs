namespace FailClosed.Gates;

/// <summary>
/// The text a blocked tool call answers the model with: a short, stable sentence with the code and a reason chosen by
/// the code. It never holds exception text, the deciding gate's internals or the arguments.
/// </summary>
public static class ToolCallBlock
{
    /// <summary>Returns the text for a blocked call.</summary>
    /// <param name="decision">The blocking decision.</param>
    /// <param name="ticket">The review ticket the call was queued under, if any.</param>
    /// <returns>For example <c>Blocked (Denied): a policy denied this call. Do not retry it unchanged.</c></returns>
    public static string Describe(GateDecision decision, ReviewTicket? ticket = null)
    {
        string text = "Blocked (" + decision.Code + "): " + ReasonFor(decision.Code);
        return ticket is null
            ? text + " Do not retry it unchanged."
            : text + " It was queued for human review as ticket " + ticket.Id + "; do not retry it meanwhile.";
    }

    /// <summary>Returns the short, stable reason for a block code.</summary>
    /// <param name="code">One of <see cref="GateCodes"/>.</param>
    /// <returns>One sentence.</returns>
    public static string ReasonFor(string code) => code switch
    {
        GateCodes.Denied => "a policy denied this call.",
        GateCodes.ActionUnclassified => "this tool is not in the catalog of tools this agent may call.",
        GateCodes.IdentityMissing => "no verified caller identity was presented, or its credential has expired.",
        GateCodes.Timeout => "a required check did not answer in time.",
        GateCodes.Fault => "a required check failed.",
        GateCodes.Canceled => "the call was canceled before it was judged.",
        GateCodes.ResultIncomplete => "a required answer was incomplete.",
        GateCodes.Malformed => "a required answer, or the call's arguments, could not be read unambiguously.",
        GateCodes.EvidenceUnavailable or GateCodes.EvidenceTampered => "the audit record of this call could not be written.",
        GateCodes.PolicyMissing or GateCodes.PolicyDigestMismatch or GateCodes.PolicySignatureInvalid
            or GateCodes.PolicyInvalid or GateCodes.PolicyVersionMismatch => "the policy this call is judged by could not be verified.",
        GateCodes.CacheStale => "a cached decision expired and could not be refreshed.",
        GateCodes.EscalatedForReview => "this call needs a human approval first.",
        GateCodes.ReviewNotApproved => "its review ticket is not approved.",
        GateCodes.ReviewMismatch => "the call differs from the one its review ticket approved.",
        GateCodes.ReviewConsumed => "its approval has already been used; an approval runs once.",
        GateCodes.ReviewExpired => "its review ticket has expired.",
        _ => "this call could not be confirmed as safe.",
    };
}

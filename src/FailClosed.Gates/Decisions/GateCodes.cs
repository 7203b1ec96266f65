namespace FailClosed.Gates;

/// <summary>
/// Stable machine-readable codes that say why a gate decided as it did.
/// </summary>
/// <remarks>
/// Codes are part of the public contract: they are never renamed, and the same inputs always
/// produce the same code. The README holds one table with a line of meaning for each.
/// </remarks>
public static class GateCodes
{
    /// <summary>Every precondition asserted; the call may proceed.</summary>
    public const string Allowed = "Allowed";

    /// <summary>A gate gave a definite "no".</summary>
    public const string Denied = "Denied";

    /// <summary>A gate threw, or its pending evaluation faulted.</summary>
    public const string Fault = "Fault";

    /// <summary>A gate gave no answer within its time limit.</summary>
    public const string Timeout = "Timeout";

    /// <summary>The evaluation was canceled before a gate answered.</summary>
    public const string Canceled = "Canceled";

    /// <summary>No decision was made: the value is <c>default(GateDecision)</c>.</summary>
    public const string Unset = "Unset";

    /// <summary>The pinned policy artifact could not be found.</summary>
    public const string PolicyMissing = "PolicyMissing";

    /// <summary>The policy artifact's SHA-256 digest differs from the pin.</summary>
    public const string PolicyDigestMismatch = "PolicyDigestMismatch";

    /// <summary>The policy artifact's signature is missing, from an untrusted key, or does not verify.</summary>
    public const string PolicySignatureInvalid = "PolicySignatureInvalid";

    /// <summary>The policy artifact is authentic but could not be compiled into a gate.</summary>
    public const string PolicyInvalid = "PolicyInvalid";

    /// <summary>The audit evidence could not be durably written, so the action did not run.</summary>
    public const string EvidenceUnavailable = "EvidenceUnavailable";

    /// <summary>The evidence store failed its tamper-evidence checks.</summary>
    public const string EvidenceTampered = "EvidenceTampered";

    /// <summary>The caller's identity required by a gate was absent.</summary>
    public const string IdentityMissing = "IdentityMissing";

    /// <summary>An upstream result was partial, so it cannot support an allow.</summary>
    public const string ResultIncomplete = "ResultIncomplete";

    /// <summary>A cached verdict expired and could not be refreshed.</summary>
    public const string CacheStale = "CacheStale";

    /// <summary>The action is not in the strict action catalog.</summary>
    public const string ActionUnclassified = "ActionUnclassified";

    /// <summary>The request was refused by the automated path and queued for human review.</summary>
    public const string EscalatedForReview = "EscalatedForReview";

    /// <summary>A reviewer's approval of a review ticket was counted.</summary>
    public const string ReviewApproved = "ReviewApproved";

    /// <summary>A reviewer's rejection of a review ticket was counted.</summary>
    public const string ReviewRejected = "ReviewRejected";

    /// <summary>A review ticket passed its expiry time before it was executed.</summary>
    public const string ReviewExpired = "ReviewExpired";

    /// <summary>An approval or rejection was refused: it broke an approval rule (see <see cref="ApprovalRefusal"/>).</summary>
    public const string ReviewRefused = "ReviewRefused";

    /// <summary>An approved run named a ticket that does not exist or is not approved (pending or rejected).</summary>
    public const string ReviewNotApproved = "ReviewNotApproved";

    /// <summary>An approved run differs from the approved request: another action, subject, pins, requester or context.</summary>
    public const string ReviewMismatch = "ReviewMismatch";

    /// <summary>An approved run named a ticket that has already run; an approval runs at most once.</summary>
    public const string ReviewConsumed = "ReviewConsumed";
    /// <summary>An input or an upstream answer could not be read unambiguously (for example a decision point's answer with no verdict, or tool arguments with a duplicated name).</summary>
    public const string Malformed = "Malformed";

    /// <summary>A remote decision point answered under a policy version other than the pinned one.</summary>
    public const string PolicyVersionMismatch = "PolicyVersionMismatch";
}

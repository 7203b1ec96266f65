namespace FailClosed.Gates.Extensions;

/// <summary>The stable event ids this package logs with (range 2000–2999); an id is never renumbered or reused.</summary>
public static class FailClosedGatesEventIds
{
    /// <summary>A gate denied the action (<see cref="GateCodes.Denied"/>).</summary>
    public const int Denied = 2001;

    /// <summary>A gate threw; the exception is attached (<see cref="GateCodes.Fault"/>).</summary>
    public const int GateFault = 2002;

    /// <summary>A gate did not answer in time (<see cref="GateCodes.Timeout"/>).</summary>
    public const int GateTimeout = 2003;

    /// <summary>The caller canceled before the side effect started (<see cref="GateCodes.Canceled"/>).</summary>
    public const int Canceled = 2004;

    /// <summary>A pinned policy artifact was missing (<see cref="GateCodes.PolicyMissing"/>).</summary>
    public const int PolicyMissing = 2005;

    /// <summary>A policy artifact's bytes did not match its pin (<see cref="GateCodes.PolicyDigestMismatch"/>).</summary>
    public const int PolicyDigestMismatch = 2006;

    /// <summary>A policy artifact's signature did not verify (<see cref="GateCodes.PolicySignatureInvalid"/>).</summary>
    public const int PolicySignatureInvalid = 2007;

    /// <summary>A policy artifact could not be compiled (<see cref="GateCodes.PolicyInvalid"/>).</summary>
    public const int PolicyInvalid = 2008;

    /// <summary>Evidence could not be written, so the action was blocked (<see cref="GateCodes.EvidenceUnavailable"/>).</summary>
    public const int EvidenceUnavailable = 2009;

    /// <summary>Evidence failed a tamper-evidence check (<see cref="GateCodes.EvidenceTampered"/>).</summary>
    public const int EvidenceTampered = 2010;

    /// <summary>A strict catalog does not list the action (<see cref="GateCodes.ActionUnclassified"/>).</summary>
    public const int ActionUnclassified = 2011;

    /// <summary>Blocked with any other code (identity missing, result incomplete, cache stale, unset, or a custom code).</summary>
    public const int Blocked = 2012;

    /// <summary>A side effect ran under a fail-open exemption despite an indeterminate verdict or an evidence outage.</summary>
    public const int FailOpenUsed = 2020;

    /// <summary>A side effect ran but its Outcome record could not be written.</summary>
    public const int OutcomeUnrecorded = 2021;

    /// <summary>A refused request was queued for human review.</summary>
    public const int ReviewEnqueued = 2022;

    /// <summary>A reviewer's approval of a review ticket counted; the ticket is Approved once every factor of its rule is met.</summary>
    public const int ReviewApproved = 2023;

    /// <summary>A reviewer's rejection of a review ticket counted; the ticket is Rejected once its rule's threshold is reached.</summary>
    public const int ReviewRejected = 2024;

    /// <summary>A review ticket expired before it was decided or run; it never runs.</summary>
    public const int ReviewExpired = 2025;

    /// <summary>An approved review ticket was claimed to run its request, once.</summary>
    public const int ReviewExecuted = 2026;

    /// <summary>The evidence journal was opened (and recovered a torn tail if it had one) when the host started.</summary>
    public const int JournalOpened = 2100;

    /// <summary>The evidence journal could not be opened; the host does not start.</summary>
    public const int JournalOpenFailed = 2101;

    /// <summary>The evidence journal faulted; every guarded action blocks until it is recovered.</summary>
    public const int JournalFaulted = 2102;

    /// <summary>A faulted evidence journal was reopened in the running host and its sink swapped.</summary>
    public const int JournalRecovered = 2103;

    /// <summary>Reopening a faulted evidence journal failed; it stays closed and every guarded action blocks.</summary>
    public const int JournalRecoveryFailed = 2104;

    /// <summary>The evidence journal was checkpointed and closed when the host stopped.</summary>
    public const int JournalClosed = 2105;
}

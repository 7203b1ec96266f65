namespace FailClosed.Gates;

/// <summary>The rule an approval or rejection broke.</summary>
public enum ApprovalRefusal
{
    /// <summary>No ticket has that id.</summary>
    UnknownTicket = 0,

    /// <summary>The ticket is no longer Pending: it was approved, rejected, executed or has expired.</summary>
    AlreadyDecided = 1,

    /// <summary>The ticket's expiry time has come.</summary>
    Expired = 2,

    /// <summary>The reviewer is the requester; nobody reviews their own request.</summary>
    SelfApproval = 3,

    /// <summary>The ticket names no requester, so self-approval cannot be excluded; it can never be approved.</summary>
    RequesterUnknown = 4,

    /// <summary>The reviewer already voted on this ticket; one person counts once.</summary>
    AlreadyCounted = 5,

    /// <summary>The reviewer holds none of the roles the action's approval rule asks for (per the reviewer directory).</summary>
    MissingRole = 6,

    /// <summary>The action has no approval rule in the catalog, so nobody can approve it.</summary>
    NoApprovalRule = 7,
}

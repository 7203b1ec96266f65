namespace FailClosed.Gates;

/// <summary>What a <see cref="ReviewTransition"/> does to a ticket.</summary>
public enum ReviewTransitionKind
{
    /// <summary>Counts an approval; the ticket stays Pending or becomes Approved.</summary>
    Approve = 0,

    /// <summary>Counts a rejection; the ticket stays Pending or becomes Rejected.</summary>
    Reject = 1,

    /// <summary>Marks a Pending or Approved ticket Expired.</summary>
    Expire = 2,

    /// <summary>Claims an Approved ticket for its one execution; it becomes Executed.</summary>
    Execute = 3,
}

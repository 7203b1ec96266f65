namespace FailClosed.Gates;

/// <summary>What an <see cref="EvidenceRecord"/> records.</summary>
public enum EvidenceKind
{
    /// <summary>A gate decision that blocked an action; no side effect ran.</summary>
    Decision = 0,

    /// <summary>An allowed action about to run; written and acknowledged before the side effect starts.</summary>
    Intent = 1,

    /// <summary>How a side effect ended: completed, or threw (the exception type only).</summary>
    Outcome = 2,

    /// <summary>A refused request handed to human review.</summary>
    Escalation = 3,

    /// <summary>A reviewer's approval or rejection.</summary>
    Approval = 4,

    /// <summary>A journal recovered from a crash and says what it cut.</summary>
    Recovery = 5,

    /// <summary>An exempted action that ran despite an indeterminate verdict or an evidence outage.</summary>
    FailOpen = 6,

    /// <summary>A journal started signing checkpoints with a new key; says which key signed before.</summary>
    KeyRotation = 7,
}

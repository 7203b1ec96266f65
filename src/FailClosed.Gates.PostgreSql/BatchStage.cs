namespace FailClosed.Gates.PostgreSql;

/// <summary>Where a batch is, for the test hook.</summary>
internal enum BatchStage
{
    /// <summary>The advisory lock is held and the head was read; nothing inserted yet.</summary>
    Locked,

    /// <summary>The rows are inserted; the transaction is not committed.</summary>
    BeforeCommit,

    /// <summary>The commit returned; the appends are not completed yet.</summary>
    AfterCommit,
}

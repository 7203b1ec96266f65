namespace FailClosed.Gates.PostgreSql;

/// <summary>The event ids FailClosed.Gates.PostgreSql logs with (6000–6999); an id is never reused.</summary>
public static class PostgreSqlEventId
{
    /// <summary>A sink checked the trail and opened.</summary>
    public const int SinkOpened = 6000;

    /// <summary>A batch failed before its commit was sent: its appends were refused and nothing was written.</summary>
    public const int BatchFailed = 6001;

    /// <summary>A batch failed after its rows were sent: whether it committed is unknown until the head is read.</summary>
    public const int BatchOutcomeUnknown = 6002;

    /// <summary>A batch whose outcome was unknown was resolved by reading the head.</summary>
    public const int BatchOutcomeResolved = 6003;

    /// <summary>The trail failed a tamper-evidence check; the sink refuses every later append.</summary>
    public const int TamperDetected = 6004;

    /// <summary>A checkpoint could not be written or published; it is tried again later.</summary>
    public const int CheckpointFailed = 6005;

    /// <summary>A checkpoint was written.</summary>
    public const int CheckpointWritten = 6006;
}

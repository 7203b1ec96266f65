namespace FailClosed.Gates.AI;

/// <summary>The event ids FailClosed.Gates.AI logs with (the 5000s); never reused.</summary>
public static class AIGateEventIds
{
    /// <summary>A tool call was blocked and its block returned to the model.</summary>
    public const int ToolCallBlocked = 5000;

    /// <summary>A blocked tool call was queued for human review.</summary>
    public const int ToolCallQueued = 5001;

    /// <summary>A blocked tool call could not be queued for review.</summary>
    public const int ReviewQueueFailed = 5002;
}

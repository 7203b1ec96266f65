namespace FailClosed.Gates.Mcp;

/// <summary>The event ids FailClosed.Gates.Mcp logs with (the 4000s); never reused.</summary>
public static class McpGateEventIds
{
    /// <summary>A tools/call request was blocked and answered as an error result.</summary>
    public const int ToolCallBlocked = 4000;

    /// <summary>A blocked tools/call request was queued for human review.</summary>
    public const int ToolCallQueued = 4001;

    /// <summary>A blocked tools/call request could not be queued for review.</summary>
    public const int ReviewQueueFailed = 4002;
}

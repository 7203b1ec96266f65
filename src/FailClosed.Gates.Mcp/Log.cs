using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.Mcp;

internal static partial class Log
{
    [LoggerMessage(EventId = McpGateEventIds.ToolCallBlocked, EventName = "ToolCallBlocked", Level = LogLevel.Warning,
        Message = "MCP tool call blocked: {Call} (call id {CallId}) by '{Gate}' with {Code} ({Verdict}).")]
    public static partial void ToolCallBlocked(this ILogger logger, string call, string? callId, string gate, string code, Verdict verdict);

    [LoggerMessage(EventId = McpGateEventIds.ToolCallQueued, EventName = "ToolCallQueued", Level = LogLevel.Information,
        Message = "Blocked MCP tool call {Call} queued for review as ticket '{TicketId}'.")]
    public static partial void ToolCallQueued(this ILogger logger, string call, string ticketId);

    [LoggerMessage(EventId = McpGateEventIds.ReviewQueueFailed, EventName = "ReviewQueueFailed", Level = LogLevel.Error,
        Message = "Blocked MCP tool call {Call} could not be queued for review.")]
    public static partial void ReviewQueueFailed(this ILogger logger, string call, Exception exception);
}

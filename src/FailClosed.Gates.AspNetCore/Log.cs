using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.AspNetCore;

/// <summary>The package's log events.</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = GateEndpointEventIds.EndpointBlocked,
        EventName = "EndpointBlocked",
        Level = LogLevel.Warning,
        Message = "The action '{Action}' of endpoint '{Endpoint}' was blocked with {StatusCode}: {Verdict} {Code} by gate '{Gate}' (execution {ExecutionId}).")]
    public static partial void EndpointBlocked(
        this ILogger logger,
        string action,
        string? endpoint,
        int statusCode,
        Verdict verdict,
        string code,
        string gate,
        string executionId);

    [LoggerMessage(
        EventId = GateEndpointEventIds.OnBlockedFailed,
        EventName = "OnBlockedFailed",
        Level = LogLevel.Error,
        Message = "The OnBlocked callback threw while customising the block of action '{Action}' (execution {ExecutionId}); the default problem details were written.")]
    public static partial void OnBlockedFailed(this ILogger logger, string action, string executionId, Exception exception);
}

namespace FailClosed.Gates.AspNetCore;

/// <summary>The event ids this package logs with: the 3000s, never reused.</summary>
internal static class GateEndpointEventIds
{
    /// <summary>A gated endpoint blocked a request.</summary>
    public const int EndpointBlocked = 3000;

    /// <summary>The <see cref="GateEndpointOptions.OnBlocked"/> callback threw; the default body was written.</summary>
    public const int OnBlockedFailed = 3001;
}

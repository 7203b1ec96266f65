namespace FailClosed.Gates.AspNetCore;

/// <summary>Configures how gated endpoints answer a block; read once per endpoint, when its filter is built.</summary>
public sealed class GateEndpointOptions
{
    /// <summary>Gets the largest accepted <see cref="RetryAfter"/>: one day.</summary>
    public static TimeSpan MaxRetryAfter { get; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets the <c>Retry-After</c> a 503 carries when an outage caused the block
    /// (<see cref="GateCodes.EvidenceUnavailable"/> or <see cref="GateCodes.Timeout"/>).</summary>
    /// <value>30 seconds by default; sent in whole seconds, rounded up. Must be positive and at most <see cref="MaxRetryAfter"/>.</value>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a callback that customises the problem details of a block before they are written.</summary>
    /// <value>
    /// <see langword="null"/> by default. It may change the title, the detail, the instance and add extensions; the
    /// status, the <c>code</c>, <c>gate</c>, <c>executionId</c> and <c>reviewTicketId</c> members and
    /// <c>Retry-After</c> are set again after it returns, so a block never becomes a success. A callback that
    /// throws is logged and the default body is written.
    /// </value>
    public Func<GateProblemContext, ValueTask>? OnBlocked { get; set; }
}

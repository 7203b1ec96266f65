namespace FailClosed.Gates.Extensions;

/// <summary>When the health check reports <c>Degraded</c>.</summary>
public sealed class HealthOptions
{
    /// <summary>Gets or sets the evidence append latency above which the check reports <c>Degraded</c>.</summary>
    /// <value>One second by default; positive.</value>
    public TimeSpan SlowAppendThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how many review tickets queued by this host may be pending (not yet approved, rejected or expired)
    /// before the check reports <c>Degraded</c>.
    /// </summary>
    /// <value>100 by default; at least 1.</value>
    public int QueuedReviewThreshold { get; set; } = 100;
}

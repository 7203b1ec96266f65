using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FailClosed.Gates.Extensions;

/// <summary>
/// Reports a registration's evidence path: Unhealthy until its journal is open and whenever it has faulted (every
/// guarded action blocks), Degraded when appends are slow or review tickets pile up, Healthy otherwise.
/// </summary>
internal sealed class FailClosedGatesHealthCheck(
    EvidenceFirstExecutorProvider provider,
    IOptionsMonitor<FailClosedGatesOptions> options,
    string registration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        HostedEvidenceJournal journal = provider.GetJournal(registration);
        HealthOptions thresholds = options.Get(registration).Health;
        ExecutionStatistics statistics = provider.GetStatistics(registration);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["store"] = journal.Store.ToString(),
            ["records"] = journal.Journal?.Count ?? 0L,
            ["recoveries"] = journal.Recoveries,
            ["last_append_seconds"] = statistics.LastAppendLatency.TotalSeconds,
            ["pending_reviews"] = statistics.PendingReviews,
        };

        if (journal.IsFaulted)
        {
            return Result(HealthStatus.Unhealthy, "The evidence journal has faulted; every guarded action blocks until it is recovered with HostedEvidenceJournal.RecoverAsync.", data);
        }

        if (!journal.IsAvailable)
        {
            return Result(HealthStatus.Unhealthy, "The evidence journal is not open (the host has not started or is stopping); every guarded action blocks.", data);
        }

        if (statistics.LastAppendLatency > thresholds.SlowAppendThreshold)
        {
            return Result(
                HealthStatus.Degraded,
                string.Create(CultureInfo.InvariantCulture, $"The last evidence append took {statistics.LastAppendLatency.TotalMilliseconds:0} ms, above the {thresholds.SlowAppendThreshold.TotalMilliseconds:0} ms threshold."),
                data);
        }

        if (statistics.PendingReviews >= thresholds.QueuedReviewThreshold)
        {
            return Result(
                HealthStatus.Degraded,
                string.Create(CultureInfo.InvariantCulture, $"{statistics.PendingReviews} review tickets this host queued are still pending, at or above the threshold of {thresholds.QueuedReviewThreshold}."),
                data);
        }

        return Result(HealthStatus.Healthy, "The evidence journal is open and appends are prompt.", data);
    }

    private static Task<HealthCheckResult> Result(HealthStatus status, string description, Dictionary<string, object> data) =>
        Task.FromResult(new HealthCheckResult(status, description, data: data));
}

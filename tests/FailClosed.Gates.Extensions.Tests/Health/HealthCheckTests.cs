using FailClosed.Gates.Extensions.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FailClosed.Gates.Extensions.Tests.Health;

public sealed class HealthCheckTests
{
    [Fact]
    public async Task CheckHealthAsync_BeforeStart_Unhealthy()
    {
        await using GatesHost host = GatesHost.Create();

        Assert.Equal(HealthStatus.Unhealthy, await host.HealthAsync());
    }

    [Fact]
    public async Task CheckHealthAsync_Started_Healthy()
    {
        await using GatesHost host = await GatesHost.StartAsync();

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        HealthReportEntry entry = report.Entries["failclosed-gates"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("File", entry.Data["store"]);
    }

    [Fact]
    public async Task CheckHealthAsync_SlowAppend_Degraded()
    {
        await using GatesHost host = await GatesHost.StartAsync(options => options.Health.SlowAppendThreshold = TimeSpan.FromMilliseconds(500));
        var telemetry = host.Services.GetRequiredService<FailClosedGatesTelemetry>();

        telemetry.OnEvidenceWritten(null, "payments.send", EvidenceKind.Intent, TimeSpan.FromMilliseconds(800), written: true);

        Assert.Equal(HealthStatus.Degraded, await host.HealthAsync());
        telemetry.OnEvidenceWritten(null, "payments.send", EvidenceKind.Intent, TimeSpan.FromMilliseconds(3), written: true);
        Assert.Equal(HealthStatus.Healthy, await host.HealthAsync());
    }

    [Fact]
    public async Task CheckHealthAsync_ReviewsPilingUp_Degraded()
    {
        await using GatesHost host = await GatesHost.StartAsync(options => options.Health.QueuedReviewThreshold = 2);
        ExecutionStatistics statistics = host.Services.GetRequiredService<FailClosedGatesTelemetry>().Statistics;

        statistics.RecordQueuedReview();
        Assert.Equal(HealthStatus.Healthy, await host.HealthAsync());
        statistics.RecordQueuedReview();

        Assert.Equal(HealthStatus.Degraded, await host.HealthAsync());
    }
}

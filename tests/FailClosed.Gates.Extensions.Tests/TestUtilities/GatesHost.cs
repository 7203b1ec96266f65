using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FailClosed.Gates.Extensions.Tests.TestUtilities;

/// <summary>A host with the default registration on a temporary file journal, fake logging, metrics and a health check.</summary>
public sealed class GatesHost : IAsyncDisposable
{
    private GatesHost(IHost host, TestJournal journal, SwitchableAnchor anchor)
    {
        Host = host;
        Journal = journal;
        Anchor = anchor;
    }

    public IHost Host { get; }

    public TestJournal Journal { get; }

    public SwitchableAnchor Anchor { get; }

    public IServiceProvider Services => Host.Services;

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    public EvidenceFirstExecutor Executor => Services.GetRequiredService<EvidenceFirstExecutor>();

    public HostedEvidenceJournal HostedJournal => Services.GetRequiredService<EvidenceFirstExecutorProvider>().GetJournal(string.Empty);

    public static GatesHost Create(Action<FailClosedGatesOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var journal = new TestJournal();
        var anchor = new SwitchableAnchor();
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Trace));
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<TimeProvider>(new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero)));
        builder.Services.AddSingleton<ICheckpointAnchor>(anchor);
        builder.Services.AddFailClosedGates(gates => gates.Configure(options =>
        {
            journal.Configure(options);
            configure?.Invoke(options);
        }));
        builder.Services.AddHealthChecks().AddFailClosedGates();
        services?.Invoke(builder.Services);
        return new GatesHost(builder.Build(), journal, anchor);
    }

    public static async Task<GatesHost> StartAsync(Action<FailClosedGatesOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        GatesHost host = Create(configure, services);
        await host.Host.StartAsync();
        return host;
    }

    public async Task<HealthStatus> HealthAsync() =>
        (await Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status;

    /// <summary>Faults the journal through its anchor and waits until the fault is visible.</summary>
    public async Task FaultJournalAsync()
    {
        Anchor.Unreachable = true;
        var action = new GuardedAction<int>("fault.trigger", Gate.Allow<int>("allow"));
        _ = await Executor.ExecuteAsync(action, 0, static (_, _) => ValueTask.FromResult(0));
        await Anchor.Refused.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(SpinWait.SpinUntil(() => HostedJournal.Journal is { IsFaulted: true }, TimeSpan.FromSeconds(30)), "The journal did not fault.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync();
        }
        finally
        {
            Host.Dispose();
            Journal.Dispose();
        }
    }
}

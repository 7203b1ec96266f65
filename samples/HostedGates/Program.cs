// A worker host that gets FailClosed.Gates only through DI and appsettings.json, and exports its logs, metrics and
// traces to the OpenTelemetry console exporter. It shows a block, a fail-open exemption and a journal fault (with
// its recovery in the running host) as they appear in telemetry, then stops by itself.
using FailClosed.Gates;
using FailClosed.Gates.Samples.HostedGates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// Relative paths in appsettings.json (the journal, the key) are relative to the sample's output folder.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.Services.AddSingleton<DemoTransparencyLog>();
builder.Services.AddSingleton<ICheckpointAnchor>(static sp => sp.GetRequiredService<DemoTransparencyLog>());
builder.Services.AddSingleton<IReviewQueue, InMemoryReviewQueue>();
builder.Services.AddFailClosedGates(builder.Configuration.GetSection("FailClosedGates"));
builder.Services.AddHealthChecks().AddFailClosedGates();
builder.Services.AddHostedService<Demo>();

builder.Logging.ClearProviders();
builder.Logging.AddOpenTelemetry(static logging => logging.AddConsoleExporter());
builder.Services.AddOpenTelemetry()
    .WithMetrics(static metrics => metrics.AddMeter("FailClosed.Gates").AddConsoleExporter())
    .WithTracing(static tracing => tracing.AddSource("FailClosed.Gates").AddConsoleExporter());

using IHost host = builder.Build();

// Bounded: the demo stops the host when it is done; a host that hangs is stopped here and the run fails.
using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2), TimeProvider.System);
await host.RunAsync(bound.Token);
if (bound.IsCancellationRequested)
{
    Console.Error.WriteLine("The demo did not finish within two minutes.");
    Environment.ExitCode = 1;
}

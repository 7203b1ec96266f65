using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using FailClosed.Gates.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// What FailClosed.Gates.Extensions' telemetry costs an execution: the executor with nothing listening (the
/// baseline, the core's default), against the same executor reporting through the package's logs, metrics and
/// traces with logging at Warning and a meter listener enabled on every instrument. Target: at most 1.3x.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private static readonly Func<Invoice, CancellationToken, ValueTask<decimal>> SideEffect = static (invoice, _) => new ValueTask<decimal>(invoice.Amount);

    private readonly Invoice _invoice = new("INV-42", 950m, "alice");
    private readonly Invoice _overLimit = new("INV-43", 95_000m, "alice");
    private GuardedAction<Invoice> _action = null!;
    private EvidenceFirstExecutor _plain = null!;
    private EvidenceFirstExecutor _observed = null!;
    private ServiceProvider _services = null!;
    private MeterListener _listener = null!;
    private long _measurements;

    [GlobalSetup]
    public void Setup()
    {
        Gate<Invoice> gate = Gate.All(
            "invoice-approval",
            Gate.Require<Invoice>("has-approver", static i => i.ApproverId is not null),
            Gate.Require<Invoice>("under-limit", static i => i.Amount <= 10_000m));
        _action = new GuardedAction<Invoice>("invoice.approve", gate, static i => i.Id);
        _plain = new EvidenceFirstExecutor(new NoOpEvidenceSink());

        _services = new ServiceCollection()
            .AddLogging(static logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(new DiscardingLoggerProvider()))
            .AddMetrics()
            .BuildServiceProvider();
        var telemetry = new FailClosedGatesTelemetry(
            _services.GetRequiredService<ILoggerFactory>().CreateLogger("FailClosed.Gates.Executor"),
            new FailClosedGatesMetrics(_services.GetRequiredService<IMeterFactory>()),
            new ExecutionStatistics(),
            TimeProvider.System);
        _observed = new EvidenceFirstExecutor(new NoOpEvidenceSink(), new EvidenceFirstExecutorOptions { Telemetry = telemetry });

        _listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == FailClosedGatesMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _measurements += value);
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => _measurements++);
        _listener.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true)]
    public decimal AllowedNothingListening() =>
        _plain.ExecuteAsync(_action, _invoice, SideEffect, CancellationToken.None).Result.Value;

    [Benchmark]
    public decimal AllowedWarningLogsAndMeterListener() =>
        _observed.ExecuteAsync(_action, _invoice, SideEffect, CancellationToken.None).Result.Value;

    [Benchmark]
    public bool DeniedNothingListening() =>
        _plain.ExecuteAsync(_action, _overLimit, SideEffect, CancellationToken.None).Result.Executed;

    [Benchmark]
    public bool DeniedWarningLogsAndMeterListener() =>
        _observed.ExecuteAsync(_action, _overLimit, SideEffect, CancellationToken.None).Result.Executed;

    public sealed record Invoice(string Id, decimal Amount, string? ApproverId);

    /// <summary>A provider that accepts what its level lets through and writes it nowhere, like a real sink minus I/O.</summary>
    private sealed class DiscardingLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new DiscardingLogger();

        public void Dispose()
        {
        }

        private sealed class DiscardingLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FailClosed.Gates.Extensions.Tests.Telemetry;

[Collection(GlobalListenersCollection.Name)]
public sealed class AllocationTests
{
    private static readonly Func<int, CancellationToken, ValueTask<int>> SideEffect = static (n, _) => ValueTask.FromResult(n);

    [Fact]
    public void ExecuteAsync_LoggingAtWarningAndAMeterListener_AllocatesNoMoreThanNothingListening()
    {
        var action = new GuardedAction<int>("alloc.check", Gate.Require<int>("small", static n => n < 100));
        var plain = new EvidenceFirstExecutor(new NullSink());
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new FailClosedGatesMetrics(services.GetRequiredService<IMeterFactory>());
        var observed = new EvidenceFirstExecutor(
            new NullSink(),
            new EvidenceFirstExecutorOptions { Telemetry = new FailClosedGatesTelemetry(new WarningLogger(), metrics, new ExecutionStatistics(), TimeProvider.System) });
        long measurements = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, services.GetRequiredService<IMeterFactory>()))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => measurements++);
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => measurements++);
        listener.Start();

        foreach (int n in new[] { 1, 500 })
        {
            long baseline = AllocatedPerCall(plain, action, n);
            long withTelemetry = AllocatedPerCall(observed, action, n);

            Assert.Equal(baseline, withTelemetry);
        }

        Assert.True(measurements > 0, "The listener saw no measurement, so the comparison proves nothing.");
    }

    private static long AllocatedPerCall(EvidenceFirstExecutor executor, GuardedAction<int> action, int n)
    {
        for (int i = 0; i < 100; i++)
        {
            _ = executor.ExecuteAsync(action, n, SideEffect).Result;
        }

        const int Calls = 1_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            _ = executor.ExecuteAsync(action, n, SideEffect).Result;
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
    }

    private sealed class NullSink : IEvidenceSink
    {
        public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default) =>
            new(new EvidenceReceipt(0, "00", 1));
    }

    private sealed class WarningLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => NullLogger.Instance.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}


namespace FailClosed.Gates.Tests.Execution;

/// <summary>A fake clock, a scripted sink and a probe, wired to an executor; one per test.</summary>
internal sealed class ExecutorFixture
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public ExecutorFixture()
    {
        Sink = new ScriptedEvidenceSink(Clock);
        Probe = new SideEffectProbe { Sink = Sink };
    }

    public ManualTimeProvider Clock { get; } = new();

    public ScriptedEvidenceSink Sink { get; }

    public SideEffectProbe Probe { get; }

    public EvidenceFirstExecutor Create(ActionCatalog? catalog = null, IReviewQueue? reviewQueue = null) =>
        new(Sink, new EvidenceFirstExecutorOptions
        {
            TimeProvider = Clock,
            Catalog = catalog ?? ActionCatalog.Empty,
            ReviewQueue = reviewQueue,
            EvidenceWriteTimeout = Timeout,
        });

    public static GuardedAction<int> Action(Gate<int> gate, string name = "invoice.approve") =>
        new(name, gate, static n => "invoice INV-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<GuardedResult<int>> RunAsync(EvidenceFirstExecutor executor, GuardedAction<int> action, int context = 21, CancellationToken cancellationToken = default) =>
        ClockDriver.DriveAsync(
            executor.ExecuteAsync(action, context, Probe, static (c, p, ct) => p.RunAsync(c, ct), cancellationToken).AsTask(),
            Sink,
            Clock,
            Timeout);
}

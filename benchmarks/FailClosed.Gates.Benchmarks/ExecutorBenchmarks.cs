using BenchmarkDotNet.Attributes;
using Polly;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// The cost of running a side effect evidence-first, against calling it directly, behind a hand-written check, and
/// through an empty Polly.Core pipeline. Every sink and side effect here completes synchronously.
/// </summary>
[MemoryDiagnoser]
public class ExecutorBenchmarks
{
    private static readonly Func<Invoice, CancellationToken, ValueTask<decimal>> SideEffect = static (invoice, _) => new ValueTask<decimal>(invoice.Amount);

    private readonly Invoice _invoice = new("INV-42", 950m, "alice");
    private GuardedAction<Invoice> _action = null!;
    private EvidenceFirstExecutor _noOpExecutor = null!;
    private EvidenceFirstExecutor _inMemoryExecutor = null!;
    private ResiliencePipeline _pipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        Gate<Invoice> gate = Gate.All(
            "invoice-approval",
            Gate.Require<Invoice>("has-approver", static i => i.ApproverId is not null),
            Gate.Require<Invoice>("under-limit", static i => i.Amount <= 10_000m));
        _action = new GuardedAction<Invoice>("invoice.approve", gate, static i => i.Id);
        _noOpExecutor = new EvidenceFirstExecutor(new NoOpEvidenceSink());
        _inMemoryExecutor = new EvidenceFirstExecutor(new RollingInMemoryEvidenceSink());
        _pipeline = new ResiliencePipelineBuilder().Build();
    }

    [Benchmark(Baseline = true)]
    public decimal RawDelegate() => SideEffect(_invoice, CancellationToken.None).Result;

    [Benchmark]
    public decimal HandWrittenChecks()
    {
        Invoice invoice = _invoice;
        return invoice.ApproverId is not null && invoice.Amount <= 10_000m
            ? SideEffect(invoice, CancellationToken.None).Result
            : throw new InvalidOperationException("Blocked.");
    }

    [Benchmark]
    public decimal PollyEmptyPipeline() =>
        _pipeline.ExecuteAsync(static (invoice, ct) => SideEffect(invoice, ct), _invoice, CancellationToken.None).Result;

    [Benchmark]
    public decimal ExecutorNoOpSink() =>
        _noOpExecutor.ExecuteAsync(_action, _invoice, SideEffect, CancellationToken.None).Result.Value;

    [Benchmark]
    public decimal ExecutorInMemorySink() =>
        _inMemoryExecutor.ExecuteAsync(_action, _invoice, SideEffect, CancellationToken.None).Result.Value;

    public sealed record Invoice(string Id, decimal Amount, string? ApproverId);
}

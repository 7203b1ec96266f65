using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FailClosed.Gates.AI;
using Microsoft.Extensions.AI;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// The per-call overhead of a gated tool invocation (FailClosed.Gates.AI) against invoking the same AIFunction
/// directly: canonicalising and digesting the arguments, the identity and policy gates, and the Intent and Outcome
/// records. Arguments are JSON elements, as FunctionInvokingChatClient passes a model's arguments.
/// </summary>
[MemoryDiagnoser]
public class GatedToolBenchmarks
{
    private AIFunction _tool = null!;
    private AIFunction _gatedNoOp = null!;
    private AIFunction _gatedInMemory = null!;
    private AIFunction _gatedDenied = null!;
    private AIFunctionArguments _arguments = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tool = AIFunctionFactory.Create(static (string invoiceId, int copies) => invoiceId.Length + copies, "read_invoice");
        using JsonDocument json = JsonDocument.Parse("""{"invoiceId":"INV-1042","copies":1}""");
        _arguments = new AIFunctionArguments
        {
            ["invoiceId"] = json.RootElement.GetProperty("invoiceId").Clone(),
            ["copies"] = json.RootElement.GetProperty("copies").Clone(),
        };

        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("read_invoice").Strict().Build();
        var agent = new VerifiedIdentity("spiffe://acme.example/agents/ap-clerk", "spiffe://acme.example", DateTimeOffset.MaxValue);
        var options = new GatedToolOptions { Caller = _ => agent };
        Gate<ToolCall> allow = Gate.Require<ToolCall>("invoices-readable", static c => c.ToolName == "read_invoice");
        Gate<ToolCall> deny = Gate.Require<ToolCall>("invoices-readable", static c => c.ToolName != "read_invoice");
        _gatedNoOp = _tool.WithGate(new EvidenceFirstExecutor(new NoOpEvidenceSink(), new EvidenceFirstExecutorOptions { Catalog = catalog }), allow, options);
        _gatedInMemory = _tool.WithGate(new EvidenceFirstExecutor(new RollingInMemoryEvidenceSink(), new EvidenceFirstExecutorOptions { Catalog = catalog }), allow, options);
        _gatedDenied = _tool.WithGate(new EvidenceFirstExecutor(new NoOpEvidenceSink(), new EvidenceFirstExecutorOptions { Catalog = catalog }), deny, options);

        // Measure what the names say: the allowed peers must run the tool, and the denied one must block.
        string? expected = ToolDirect()?.ToString();
        if (GatedNoOpSink()?.ToString() != expected || GatedInMemorySink()?.ToString() != expected
            || GatedDenied() is not string blocked || !blocked.StartsWith("Blocked (Denied)", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The gated tool benchmarks are misconfigured: an allowed call did not run the tool, or the denied call was not blocked.");
        }
    }

    [Benchmark(Baseline = true)]
    public object? ToolDirect() => _tool.InvokeAsync(_arguments).AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public object? GatedNoOpSink() => _gatedNoOp.InvokeAsync(_arguments).AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public object? GatedInMemorySink() => _gatedInMemory.InvokeAsync(_arguments).AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public object? GatedDenied() => _gatedDenied.InvokeAsync(_arguments).AsTask().GetAwaiter().GetResult();
}

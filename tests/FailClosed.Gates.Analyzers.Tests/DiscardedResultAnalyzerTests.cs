using Verify = FailClosed.Gates.Analyzers.Tests.TestUtilities.Verifier<FailClosed.Gates.Analyzers.DiscardedResultAnalyzer>;

namespace FailClosed.Gates.Analyzers.Tests;

public sealed class DiscardedResultAnalyzerTests
{
    private const string Executor = """
        sealed record Order(decimal Amount);

        """;

    [Fact]
    public Task AwaitedEvaluation_ResultDropped_ReportsFCG0001() => Verify.AnalyzeAsync("""
        class C
        {
            async Task M(Gate<int> gate)
            {
                {|FCG0001:await gate.EvaluateAsync(1)|};
            }
        }
        """);

    [Fact]
    public Task DecisionFactory_ResultDropped_ReportsFCG0001() => Verify.AnalyzeAsync("""
        class C
        {
            void M()
            {
                {|FCG0001:GateDecision.Deny("limit")|};
            }
        }
        """);

    [Fact]
    public Task AwaitedExecution_GuardedResultDropped_ReportsFCG0001() => Verify.AnalyzeAsync(Executor + """
        class C
        {
            async Task M(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                {|FCG0001:await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1))|};
                {|FCG0001:await executor.ExecuteAsync(action, order, static (o, ct) => ValueTask.CompletedTask)|};
            }
        }
        """);

    [Fact]
    public Task EvaluationTask_NeitherAwaitedNorKept_ReportsFCG0002() => Verify.AnalyzeAsync("""
        class C
        {
            void M(Gate<int> gate)
            {
                {|FCG0002:gate.EvaluateAsync(1)|};
                {|FCG0002:_ = gate.EvaluateAsync(2)|};
            }
        }
        """);

    [Fact]
    public Task ExecutionTask_NeitherAwaitedNorKept_ReportsFCG0002() => Verify.AnalyzeAsync(Executor + """
        class C
        {
            void M(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                {|FCG0002:executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1))|};
                {|FCG0002:executor.ExecuteOrThrowAsync(action, order, static (o, ct) => ValueTask.CompletedTask)|};
            }
        }
        """);

    [Fact]
    public Task DecisionUsedOrExplicitlyDiscarded_NoDiagnostic() => Verify.AnalyzeAsync(Executor + """
        class C
        {
            GateDecision _last;

            async Task<bool> M(Gate<int> gate, EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                GateDecision decision = await gate.EvaluateAsync(1);
                _last = await gate.EvaluateAsync(2);
                _ = await gate.EvaluateAsync(3);
                ValueTask<GateDecision> pending = gate.EvaluateAsync(4);
                await executor.ExecuteOrThrowAsync(action, order, static (o, ct) => ValueTask.CompletedTask);
                GuardedResult<int> result = await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1));
                return decision.IsAllowed && result.Executed && (await pending).IsAllowed;
            }
        }
        """);
}

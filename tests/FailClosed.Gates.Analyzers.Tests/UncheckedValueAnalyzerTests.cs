using Verify = FailClosed.Gates.Analyzers.Tests.TestUtilities.Verifier<FailClosed.Gates.Analyzers.UncheckedValueAnalyzer>;

namespace FailClosed.Gates.Analyzers.Tests;

public sealed class UncheckedValueAnalyzerTests
{
    private const string Order = """
        sealed record Order(decimal Amount);

        """;

    [Fact]
    public Task LocalNeverChecked_Reports() => Verify.AnalyzeAsync(Order + """
        class C
        {
            async Task<int> M(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                GuardedResult<int> result = await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1));
                Console.WriteLine(result.Decision);
                return {|FCG0006:result.Value|};
            }
        }
        """);

    [Fact]
    public Task ValueReadStraightOffTheCall_Reports() => Verify.AnalyzeAsync(Order + """
        class C
        {
            async Task<int> M(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order) =>
                {|FCG0006:(await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1))).Value|};
        }
        """);

    [Fact]
    public Task DecisionAllowedIsNotACheckOfExecuted_Reports() => Verify.AnalyzeAsync(Order + """
        class C
        {
            async Task<int> M(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                var result = await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1));
                return result.Decision.IsAllowed ? {|FCG0006:result.Value|} : 0;
            }
        }
        """);

    [Fact]
    public Task CheckedOrHandedOn_NoDiagnostic() => Verify.AnalyzeAsync(Order + """
        class C
        {
            async Task<int> Executed(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                var result = await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1));
                return result.Executed ? result.Value : 0;
            }

            async Task<int> Blocked(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                var result = await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1));
                if (result.IsBlocked)
                {
                    return 0;
                }

                return result.Value;
            }

            async Task<int> Pattern(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                var result = await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1));
                return result is { Executed: true } ? result.Value : 0;
            }

            async Task<int> Helper(EvidenceFirstExecutor executor, GuardedAction<Order> action, Order order)
            {
                var result = await executor.ExecuteAsync(action, order, static (o, ct) => new ValueTask<int>(1));
                Ensure(result);
                return result.Value;
            }

            static int Parameter(GuardedResult<int> checkedByCaller) => checkedByCaller.Value;

            static void Ensure(GuardedResult<int> result)
            {
                if (!result.Executed)
                {
                    throw new InvalidOperationException("Blocked.");
                }
            }
        }
        """);
}

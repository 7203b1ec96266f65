using FailClosed.Gates.Analyzers.CodeFixes;
using Verify = FailClosed.Gates.Analyzers.Tests.TestUtilities.Verifier<FailClosed.Gates.Analyzers.AllowOnFailureAnalyzer>;

namespace FailClosed.Gates.Analyzers.Tests;

public sealed class AllowOnFailureAnalyzerTests
{
    [Fact]
    public Task CustomGate_CatchReturnsAllow_FixesToRethrow() => Verify.FixAsync<AllowOnFailureCodeFix>(
        """
        sealed class ScreeningGate : Gate<string>
        {
            public ScreeningGate() : base("screening") { }

            protected override async ValueTask<GateDecision> EvaluateCoreAsync(string context, CancellationToken cancellationToken)
            {
                try
                {
                    await Task.Yield();
                    return GateDecision.Deny(Name);
                }
                catch (TimeoutException)
                {
                    {|FCG0005:return GateDecision.Allow(Name, "screening is down");|}
                }
            }
        }
        """,
        """
        sealed class ScreeningGate : Gate<string>
        {
            public ScreeningGate() : base("screening") { }

            protected override async ValueTask<GateDecision> EvaluateCoreAsync(string context, CancellationToken cancellationToken)
            {
                try
                {
                    await Task.Yield();
                    return GateDecision.Deny(Name);
                }
                catch (TimeoutException)
                {
                    throw;
                }
            }
        }
        """);

    [Fact]
    public Task CustomGate_SynchronousCatchWrapsAllowInValueTask_Reports() => Verify.AnalyzeAsync("""
        sealed class LookupGate : Gate<string>
        {
            public LookupGate() : base("lookup") { }

            protected override ValueTask<GateDecision> EvaluateCoreAsync(string context, CancellationToken cancellationToken)
            {
                try
                {
                    return new ValueTask<GateDecision>(GateDecision.Deny(Name));
                }
                catch
                {
                    {|FCG0005:return ValueTask.FromResult(GateDecision.Allow(Name));|}
                }
            }
        }
        """);

    [Fact]
    public Task GateFrom_CanceledHandlerAllows_Reports() => Verify.AnalyzeAsync("""
        class C
        {
            static Gate<int> Build(Func<int, CancellationToken, ValueTask<bool>> check) =>
                Gate.From<int>("remote", async (n, ct) =>
                {
                    try
                    {
                        return await check(n, ct) ? GateDecision.Allow("remote") : GateDecision.Deny("remote");
                    }
                    catch (OperationCanceledException)
                    {
                        {|FCG0005:return GateDecision.Allow("remote");|}
                    }
                });
        }
        """);

    [Fact]
    public Task GateRequire_CatchReturnsTrue_Reports() => Verify.AnalyzeAsync("""
        class C
        {
            static Gate<string> Build(Func<string, bool> lookup) =>
                Gate.Require<string>("known-payee", payee =>
                {
                    try
                    {
                        return lookup(payee);
                    }
                    catch (Exception)
                    {
                        {|FCG0005:return true;|}
                    }
                });
        }
        """);

    [Fact]
    public Task CatchThatBlocksOrCodeOutsideAGate_NoDiagnostic() => Verify.AnalyzeAsync("""
        sealed class LookupGate : Gate<string>
        {
            public LookupGate() : base("lookup") { }

            protected override ValueTask<GateDecision> EvaluateCoreAsync(string context, CancellationToken cancellationToken)
            {
                try
                {
                    return new ValueTask<GateDecision>(GateDecision.Allow(Name));
                }
                catch (Exception exception)
                {
                    return new ValueTask<GateDecision>(GateDecision.Indeterminate(Name, GateCodes.Fault, exception: exception));
                }
            }
        }

        class C
        {
            static GateDecision NotAGate()
            {
                try
                {
                    return GateDecision.Deny("x");
                }
                catch (Exception)
                {
                    return GateDecision.Allow("x");
                }
            }

            static Gate<string> Predicate(Func<string, bool> lookup) =>
                Gate.Require<string>("known-payee", payee =>
                {
                    try
                    {
                        return lookup(payee);
                    }
                    catch (Exception)
                    {
                        return false;
                    }
                });
        }
        """);
}

using Verify = FailClosed.Gates.Analyzers.Tests.TestUtilities.Verifier<FailClosed.Gates.Analyzers.VerdictSwitchAnalyzer>;

namespace FailClosed.Gates.Analyzers.Tests;

public sealed class VerdictSwitchAnalyzerTests
{
    [Fact]
    public Task SwitchStatement_DefaultTakesAllow_Reports() => Verify.AnalyzeAsync("""
        class C
        {
            string M(GateDecision decision)
            {
                switch (decision.Verdict)
                {
                    case Verdict.Deny:
                        return "forbidden";
                    {|FCG0004:default:|}
                        return "done";
                }
            }
        }
        """);

    [Fact]
    public Task SwitchExpression_DefaultTakesAllow_Reports() => Verify.AnalyzeAsync("""
        class C
        {
            bool M(Verdict verdict) => verdict switch
            {
                Verdict.Deny or Verdict.Indeterminate => false,
                {|FCG0004:_|} => true,
            };
        }
        """);

    [Fact]
    public Task AllowMatchedExplicitly_NoDiagnostic() => Verify.AnalyzeAsync("""
        class C
        {
            bool M(Verdict verdict) => verdict switch
            {
                Verdict.Allow => true,
                _ => false,
            };

            string N(GateDecision decision)
            {
                switch (decision.Verdict)
                {
                    case Verdict.Allow:
                        return "done";
                    case Verdict.Deny:
                        return "forbidden";
                    default:
                        return "unsure";
                }
            }
        }
        """);

    [Fact]
    public Task DefaultThrowsOrGuardedCases_NoDiagnostic() => Verify.AnalyzeAsync("""
        class C
        {
            string M(Verdict verdict) => verdict switch
            {
                Verdict.Deny => "no",
                _ => throw new InvalidOperationException("Unexpected verdict."),
            };

            string N(Verdict verdict, bool strict) => verdict switch
            {
                not Verdict.Deny when strict => "checked",
                > Verdict.Deny => "later",
                _ => "other",
            };
        }
        """);
}

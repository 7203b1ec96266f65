using FailClosed.Gates.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verify = FailClosed.Gates.Analyzers.Tests.TestUtilities.Verifier<FailClosed.Gates.Analyzers.VerdictComparisonAnalyzer>;

namespace FailClosed.Gates.Analyzers.Tests;

public sealed class VerdictComparisonAnalyzerTests
{
    [Fact]
    public Task NotDeny_AsAllowCondition_FixesToIsAllowed() => Verify.FixAsync<VerdictComparisonCodeFix>(
        """
        class C
        {
            void M(GateDecision decision)
            {
                if ({|FCG0003:decision.Verdict != Verdict.Deny|})
                {
                    Run();
                }
            }

            void Run() { }
        }
        """,
        """
        class C
        {
            void M(GateDecision decision)
            {
                if (decision.IsAllowed)
                {
                    Run();
                }
            }

            void Run() { }
        }
        """);

    [Fact]
    public Task NotIndeterminate_InConjunction_FixesToIsAllowed() => Verify.FixAsync<VerdictComparisonCodeFix>(
        """
        class C
        {
            void M(GateDecision decision, bool ready)
            {
                if (ready && {|FCG0003:decision.Verdict != Verdict.Indeterminate|})
                {
                    Run();
                }
            }

            void Run() { }
        }
        """,
        """
        class C
        {
            void M(GateDecision decision, bool ready)
            {
                if (ready && decision.IsAllowed)
                {
                    Run();
                }
            }

            void Run() { }
        }
        """);

    [Fact]
    public Task EqualsDeny_AsGuardClause_FixesToIsBlocked() => Verify.FixAsync<VerdictComparisonCodeFix>(
        """
        class C
        {
            async Task<string> M(Gate<int> gate)
            {
                GateDecision decision = await gate.EvaluateAsync(1);
                if ({|FCG0003:decision.Verdict == Verdict.Deny|})
                {
                    return "forbidden";
                }

                return "done";
            }
        }
        """,
        """
        class C
        {
            async Task<string> M(Gate<int> gate)
            {
                GateDecision decision = await gate.EvaluateAsync(1);
                if (decision.IsBlocked)
                {
                    return "forbidden";
                }

                return "done";
            }
        }
        """);

    [Fact]
    public Task NegatedPattern_FixesToIsAllowed() => Verify.FixAsync<VerdictComparisonCodeFix>(
        """
        class C
        {
            int M(GateDecision decision) => {|FCG0003:decision.Verdict is not Verdict.Deny|} ? 1 : 0;
        }
        """,
        """
        class C
        {
            int M(GateDecision decision) => decision.IsAllowed ? 1 : 0;
        }
        """);

    [Fact]
    public Task VerdictLocal_FixesToComparisonWithAllow() => Verify.FixAsync<VerdictComparisonCodeFix>(
        """
        class C
        {
            void M(Verdict verdict)
            {
                if ({|FCG0003:Verdict.Deny != verdict|})
                {
                    Run();
                }
            }

            void Run() { }
        }
        """,
        """
        class C
        {
            void M(Verdict verdict)
            {
                if (verdict == Verdict.Allow)
                {
                    Run();
                }
            }

            void Run() { }
        }
        """);

    [Fact]
    public Task Message_NamesTheComparisonTheLeakedVerdictAndTheReplacement() => Verify.AnalyzeAsync(
        """
        class C
        {
            static bool Proceed(GateDecision decision) => {|#0:decision.Verdict != Verdict.Indeterminate|};
        }
        """,
        editorConfig: null,
        new DiagnosticResult(Descriptors.LeakyVerdictComparison).WithLocation(0).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations)
            .WithArguments("decision.Verdict != Verdict.Indeterminate", "Deny", "decision.IsAllowed"));

    [Fact]
    public Task BooleanMember_AnsweringMayProceed_Reports() => Verify.AnalyzeAsync("""
        class C
        {
            static bool MayProceed(GateDecision decision) => {|FCG0003:decision.Verdict != Verdict.Deny|};
        }
        """);

    [Fact]
    public Task WrappingGate_TurningNonDenyIntoAllow_Reports() => Verify.AnalyzeAsync("""
        class C
        {
            static GateDecision Wrap(GateDecision inner)
            {
                if ({|FCG0003:inner.Verdict != Verdict.Deny|})
                {
                    return GateDecision.Allow("wrapper");
                }

                return inner;
            }
        }
        """);

    [Fact]
    public Task ThreeValuedOrTransformingCode_NoDiagnostic() => Verify.AnalyzeAsync("""
        class C
        {
            int _denies;
            int _others;

            // Bookkeeping: both branches handled.
            void Count(GateDecision decision)
            {
                if (decision.Verdict == Verdict.Deny)
                {
                    _denies++;
                }
                else
                {
                    _others++;
                }
            }

            // The member names the third value: somebody thought about it.
            string Describe(GateDecision decision)
            {
                if (decision.Verdict == Verdict.Deny)
                {
                    return "no";
                }

                return decision.Verdict == Verdict.Indeterminate ? "unsure" : "yes";
            }

            // Gate algebra: a late answer that is not a definite deny becomes a block.
            static GateDecision Late(GateDecision decision, CancellationToken token, GateDecision canceled)
            {
                if (token.IsCancellationRequested && decision.Verdict != Verdict.Deny)
                {
                    return canceled;
                }

                return decision;
            }

            static GateDecision Timed(GateDecision decision, bool late, GateDecision timedOut) =>
                late && decision.Verdict != Verdict.Deny ? timedOut : decision;

            // Blocking on "not a definite deny" is conservative.
            static void Strict(GateDecision decision)
            {
                if (decision.Verdict != Verdict.Deny)
                {
                    throw new InvalidOperationException("Not a definite deny.");
                }
            }

            // A predicate that finds denies answers nothing about proceeding.
            static int FirstDeny(GateDecision[] decisions) => Array.FindIndex(decisions, d => d.Verdict == Verdict.Deny);

            static bool Proceed(GateDecision decision) => decision.Verdict == Verdict.Allow;
        }
        """);
}

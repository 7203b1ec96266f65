using System.Linq.Expressions;
using FailClosed.Gates.Tests.TestUtilities;
using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Gates;

/// <summary>
/// <see cref="Gate.RequireExpression{TContext}"/>: the same gate as <see cref="Gate.Require{TContext}(string, Func{TContext, bool})"/>,
/// and runs of it inside <c>All</c> and <c>Any</c> fused into one compiled method without changing a decision.
/// </summary>
public sealed class ExpressionRequirementTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true);

    [Fact]
    public void RequireExpression_AnswersLikeTheDelegateRequirement()
    {
        Gate<int> gate = Gate.RequireExpression<int>("positive", x => x > 0);

        GateDecision allowed = gate.Decide(1);
        GateDecision denied = gate.Decide(0);

        Assert.Equal((Verdict.Allow, GateCodes.Allowed, "positive"), (allowed.Verdict, allowed.Code, allowed.Gate));
        Assert.Equal((Verdict.Deny, GateCodes.Denied, "positive", "Requirement 'positive' was not met."), (denied.Verdict, denied.Code, denied.Gate, denied.Reason));
    }

    [Fact]
    public void RequireExpression_ThatThrows_IsAFaultNamingIt()
    {
        Gate<string?> gate = Gate.RequireExpression<string?>("has-length", s => s!.Length > 0);

        GateDecision decision = gate.Decide(null);

        Assert.Equal((Verdict.Indeterminate, GateCodes.Fault, "has-length"), (decision.Verdict, decision.Code, decision.Gate));
        Assert.IsType<NullReferenceException>(decision.Exception);
    }

    [Fact]
    public void RequireExpression_RejectsNullPredicateAndBadName()
    {
        Assert.Throws<ArgumentNullException>(() => Gate.RequireExpression<int>("a", null!));
        ArgumentException badName = Assert.Throws<ArgumentException>(() => Gate.RequireExpression<int>(" padded", x => x > 0));
        Assert.Contains("' padded'", badName.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireExpression_SeesTheCapturedVariableAsItIsNow_LikeALambda()
    {
        int limit = 10;
        Gate<int> all = Gate.All(Gate.RequireExpression<int>("below", x => x < limit), Gate.RequireExpression<int>("non-negative", x => x >= 0));

        Assert.True(all.Decide(5).IsAllowed);
        limit = 3;
        Assert.Equal("below", all.Decide(5).Gate);
    }

    [Fact]
    public void All_OfExpressionRequirements_StopsAtTheFirstDeny_AndRunsNothingAfterIt()
    {
        var ran = new List<string>();
        Gate<int> all = Gate.All("all", Checks(ran, ("a", true), ("b", false), ("c", false)));

        GateDecision decision = all.Decide(0);

        Assert.Equal((Verdict.Deny, "b"), (decision.Verdict, decision.Gate));
        Assert.Equal(["a", "b"], ran);
    }

    [Fact]
    public void All_FusedRunWithAFault_AsksTheRest_AndALaterDenyWins()
    {
        var ran = new List<string>();
        Gate<int> all = Gate.All("all", Checks(ran, ("a", true), ("boom", null), ("c", true), ("d", false)));

        GateDecision decision = all.Decide(0);

        Assert.Equal((Verdict.Deny, "d"), (decision.Verdict, decision.Gate));
        Assert.Equal(["a", "boom", "c", "d"], ran);
    }

    [Fact]
    public void All_FusedRunWithAFaultAndNoDeny_IsTheFaultOfTheChildThatThrew()
    {
        var ran = new List<string>();
        Gate<int> all = Gate.All("all", Checks(ran, ("a", true), ("boom", null), ("c", true)));

        GateDecision decision = all.Decide(0);

        Assert.Equal((Verdict.Indeterminate, GateCodes.Fault, "boom"), (decision.Verdict, decision.Code, decision.Gate));
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(decision.Exception).Message);
        Assert.Equal(["a", "boom", "c"], ran);
    }

    [Fact]
    public void Any_OfExpressionRequirements_AllowsAtTheFirstAllow_ElseTheFirstDeny()
    {
        var ran = new List<string>();
        Gate<int> any = Gate.Any("any", Checks(ran, ("a", false), ("b", true), ("c", true)));
        Gate<int> none = Gate.Any("none", Checks(ran, ("x", false), ("y", false)));

        Assert.Equal((Verdict.Allow, "b"), (any.Decide(0).Verdict, any.Decide(0).Gate));
        ran.Clear();
        GateDecision denied = none.Decide(0);

        Assert.Equal((Verdict.Deny, "x"), (denied.Verdict, denied.Gate));
        Assert.Equal(["x", "y"], ran);
    }

    [Fact]
    public void Any_FusedRunWithAFault_IsTheFaultUnlessALaterChildAllows()
    {
        var ran = new List<string>();
        Gate<int> blocked = Gate.Any("any", Checks(ran, ("a", false), ("boom", null), ("c", false)));
        Gate<int> allowed = Gate.Any("any", Checks(ran, ("a", false), ("boom", null), ("c", true)));

        GateDecision fault = blocked.Decide(0);
        Assert.Equal(["a", "boom", "c"], ran);
        GateDecision allow = allowed.Decide(0);

        Assert.Equal((Verdict.Indeterminate, GateCodes.Fault, "boom"), (fault.Verdict, fault.Code, fault.Gate));
        Assert.Equal((Verdict.Allow, "c"), (allow.Verdict, allow.Gate));
    }

    [Fact]
    public void Fusion_CoversEachRunOfTwoOrMoreConsecutiveExpressionRequirements()
    {
        Gate<int>[] gates =
        [
            Gate.RequireExpression<int>("a", x => x > 0),
            Gate.RequireExpression<int>("b", x => x > 0),
            Gate.Require<int>("c", x => x > 0),
            Gate.RequireExpression<int>("d", x => x > 0),
            Gate.Allow<int>("e"),
            Gate.RequireExpression<int>("f", x => x > 0),
            Gate.RequireExpression<int>("g", x => x > 0),
            Gate.RequireExpression<int>("h", x => x > 0),
        ];

        FusedPredicate<int>?[]? runs = FusedPredicates.Build(PredicateGate<int>.InlineCandidates(gates), stopWhen: false);

        Assert.NotNull(runs);
        Assert.Equal([0, 5], Enumerable.Range(0, gates.Length).Where(i => runs[i] is not null));
        Assert.Null(FusedPredicates.Whole(runs, PredicateGate<int>.InlineCandidates(gates)));
        Assert.Null(FusedPredicates.Build(PredicateGate<int>.InlineCandidates([gates[2], gates[3], gates[4]]), stopWhen: false));
    }

    [Fact]
    public void FusedAllAndAny_DecideExactlyAsTheSameChildrenWrittenAsDelegates()
    {
        // Random mixes of expression requirements (allow, deny, throw) with delegate requirements, indeterminate gates
        // and asynchronous gates: built once with expressions and once with the same checks as delegates, every
        // decision (verdict, code, gate, reason, exception) and the order in which checks ran must be identical.
        Gen<Child[]> children = Gen.Choose(1, 10).SelectMany(n => Gen.ArrayOf(Gen.Elements(Enum.GetValues<Child>()), n));
        Check.One(Config, Prop.ForAll(children.ToArbitrary(), kinds =>
        {
            foreach (bool any in new[] { false, true })
            {
                var fusedRan = new List<string>();
                var delegateRan = new List<string>();
                GateDecision fused = Evaluate(any, Build(kinds, fusedRan, expressions: true));
                GateDecision reference = Evaluate(any, Build(kinds, delegateRan, expressions: false));

                if (Describe(fused) != Describe(reference) || !fusedRan.SequenceEqual(delegateRan))
                {
                    return false.Label($"{(any ? "Any" : "All")}({string.Join(", ", kinds)}): fused {Describe(fused)} after [{string.Join(", ", fusedRan)}], delegates {Describe(reference)} after [{string.Join(", ", delegateRan)}]");
                }
            }

            return true.ToProperty();
        }));
    }

    public enum Child
    {
        Allows,
        Denies,
        Throws,
        DelegateAllows,
        DelegateDenies,
        Indeterminate,
        AllowsLater,
    }

    private static GateDecision Evaluate(bool any, Gate<int>[] gates)
    {
        Gate<int> root = any ? Gate.Any("root", gates) : Gate.All("root", gates);
        return root.EvaluateAsync(0).AsTask().GetAwaiter().GetResult();
    }

    private static string Describe(GateDecision d) =>
        $"{d.Verdict}/{d.Code}/{d.Gate}/{d.Reason}/{d.Exception?.GetType().Name}:{d.Exception?.Message}";

    private static Gate<int>[] Build(Child[] kinds, List<string> ran, bool expressions) =>
        kinds.Select((kind, i) =>
        {
            string name = $"{kind}-{i}";
            return kind switch
            {
                Child.Allows => Requirement(ran, name, true, expressions),
                Child.Denies => Requirement(ran, name, false, expressions),
                Child.Throws => Requirement(ran, name, null, expressions),
                Child.DelegateAllows => Requirement(ran, name, true, expressions: false),
                Child.DelegateDenies => Requirement(ran, name, false, expressions: false),
                Child.Indeterminate => Gate.From<int>(name, _ => Run(ran, name, GateDecision.Indeterminate(name, GateCodes.ResultIncomplete))),
                _ => Gate.Require<int>(name, async (_, _) =>
                {
                    Run(ran, name, true);
                    await Task.Yield();
                    return true;
                }),
            };
        }).ToArray();

    private static Gate<int>[] Checks(List<string> ran, params (string Name, bool? Answer)[] checks) =>
        checks.Select(c => Requirement(ran, c.Name, c.Answer, expressions: true)).ToArray();

    /// <summary>A requirement that records its name when it runs, then answers (or throws for a null answer).</summary>
    private static Gate<int> Requirement(List<string> ran, string name, bool? answer, bool expressions)
    {
        Expression<Func<int, bool>> check = answer is { } value
            ? _ => Run(ran, name, value)
            : _ => Throw(ran, name);
        return expressions ? Gate.RequireExpression(name, check) : Gate.Require(name, check.Compile());
    }

    private static T Run<T>(List<string> ran, string name, T answer)
    {
        lock (ran)
        {
            ran.Add(name);
        }

        return answer;
    }

    private static bool Throw(List<string> ran, string name)
    {
        Run(ran, name, true);
        throw new InvalidOperationException(name);
    }
}

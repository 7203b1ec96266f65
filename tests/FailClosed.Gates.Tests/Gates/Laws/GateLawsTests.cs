using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Gates.Laws;

/// <summary>
/// The laws of DESIGN.md as properties over random gate trees (depth up to 5; leaves that allow, deny, are
/// indeterminate, throw synchronously, fault, throw asynchronously, complete asynchronously, or hang until
/// canceled), each checked against <see cref="ReferenceEvaluator"/> on at least 1,000 trees.
/// </summary>
public sealed class GateLawsTests
{
    private const int Trees = 1_000;

    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(Trees).WithQuietOnSuccess(true);

    [Fact]
    public void RandomTrees_MatchReferenceEvaluator()
    {
        Check.One(Config, Prop.ForAll(Arbitraries.Trees(), tree =>
        {
            var harness = new TreeHarness();
            GateDecision actual = harness.Run(harness.Build(tree));
            (ExpectedDecision expected, IReadOnlyList<string> invoked) = ReferenceEvaluator.Evaluate(tree);

            return (ExpectedDecision.Of(actual) == expected && invoked.SequenceEqual(harness.Invoked))
                .Label($"expected {expected} after [{string.Join(", ", invoked)}], got {ExpectedDecision.Of(actual)} after [{string.Join(", ", harness.Invoked)}]");
        }));
    }

    [Fact]
    public void RandomTrees_WithExpressionLeaves_MatchReferenceEvaluator()
    {
        // The synchronous predicate leaves are expression requirements, so All and Any fuse each run of them into one
        // compiled method: the decisions, the fault attribution and which checks ran, in order, must not change.
        Check.One(Config, Prop.ForAll(Arbitraries.Trees(), tree =>
        {
            var harness = new TreeHarness { ExpressionLeaves = true };
            GateDecision actual = harness.Run(harness.Build(tree));
            (ExpectedDecision expected, IReadOnlyList<string> invoked) = ReferenceEvaluator.Evaluate(tree);

            return (ExpectedDecision.Of(actual) == expected && invoked.SequenceEqual(harness.Invoked))
                .Label($"expected {expected} after [{string.Join(", ", invoked)}], got {ExpectedDecision.Of(actual)} after [{string.Join(", ", harness.Invoked)}]");
        }));
    }

    [Fact]
    public void All_AllowsIffEveryChildAllows_ElseFirstDenyElseFirstIndeterminate()
    {
        Check.One(Config, Prop.ForAll(Children(), children =>
        {
            var tree = new AllTree("root", children);
            var harness = new TreeHarness();
            GateDecision actual = harness.Run(harness.Build(tree));
            ExpectedDecision[] each = children.Select(c => ReferenceEvaluator.Evaluate(c).Decision).ToArray();

            int firstDeny = Array.FindIndex(each, d => d.Verdict == Verdict.Deny);
            int firstIndeterminate = Array.FindIndex(each, d => d.Verdict == Verdict.Indeterminate);
            bool lawHolds = firstDeny >= 0
                ? ExpectedDecision.Of(actual) == each[firstDeny]
                    && !harness.Invoked.Intersect(LeafNames(children.Skip(firstDeny + 1))).Any()
                : firstIndeterminate >= 0
                    ? ExpectedDecision.Of(actual) == each[firstIndeterminate]
                        && children.Skip(firstIndeterminate + 1).All(c => harness.Invoked.Contains(FirstLeaf(c))) // still asked
                    : actual.IsAllowed && actual.Gate == "root";
            return lawHolds.Label($"children {string.Join(", ", each)}, got {actual} after [{string.Join(", ", harness.Invoked)}]");
        }));
    }

    [Fact]
    public void Any_AllowsIffSomeChildAllows_ElseFirstIndeterminateElseFirstDeny()
    {
        Check.One(Config, Prop.ForAll(Children(), children =>
        {
            var tree = new AnyTree("root", children);
            var harness = new TreeHarness();
            GateDecision actual = harness.Run(harness.Build(tree));
            ExpectedDecision[] each = children.Select(c => ReferenceEvaluator.Evaluate(c).Decision).ToArray();

            int firstAllow = Array.FindIndex(each, d => d.Verdict == Verdict.Allow);
            int firstIndeterminate = Array.FindIndex(each, d => d.Verdict == Verdict.Indeterminate);
            int firstDeny = Array.FindIndex(each, d => d.Verdict == Verdict.Deny);
            ExpectedDecision expected = firstAllow >= 0 ? each[firstAllow]
                : firstIndeterminate >= 0 ? each[firstIndeterminate]
                : each[firstDeny];
            return (ExpectedDecision.Of(actual) == expected).Label($"children {string.Join(", ", each)}, got {actual}");
        }));
    }

    [Fact]
    public void Not_SwapsAllowAndDeny_AndNeverTurnsIndeterminateIntoAllow()
    {
        Check.One(Config, Prop.ForAll(Arbitraries.AnsweringTrees(), child =>
        {
            var harness = new TreeHarness();
            GateDecision inner = harness.Run(harness.Build(child));
            var negatedHarness = new TreeHarness();
            GateDecision negated = negatedHarness.Run(negatedHarness.Build(new NotTree("root", child)));

            bool lawHolds = inner.Verdict switch
            {
                Verdict.Allow => negated.Verdict == Verdict.Deny && negated.Gate == "root",
                Verdict.Deny => negated.Verdict == Verdict.Allow && negated.Gate == "root",
                _ => negated.Verdict == Verdict.Indeterminate && negated.Code == inner.Code && negated.Gate == inner.Gate,
            };
            return lawHolds.Label($"inner {inner}, negated {negated}");
        }));
    }

    [Fact]
    public void Timeout_NoAnswerInTime_IsIndeterminateTimeout()
    {
        Check.One(Config, Prop.ForAll(Arbitraries.Trees(), child =>
        {
            var tree = new TimeoutTree("root", 30, child); // 2^30 ms: longer than all generated timeouts inside together
            var harness = new TreeHarness();
            GateDecision actual = harness.Run(harness.Build(tree));
            (ExpectedDecision inner, _) = ReferenceEvaluator.Evaluate(child);
            bool childAnswers = inner.Code != GateCodes.Canceled || inner.Gate != child.Name;

            bool lawHolds = childAnswers
                ? ExpectedDecision.Of(actual) == inner
                : actual.Verdict == Verdict.Indeterminate && actual.Code == GateCodes.Timeout && actual.Gate == "root";
            return lawHolds.Label($"child alone {inner}, under timeout {actual}");
        }));
    }

    [Fact]
    public void AnyTree_IsNeverAllowedWithoutAnAllowingLeafOnItsPath()
    {
        Check.One(Config, Prop.ForAll(Arbitraries.Trees(), tree =>
        {
            var harness = new TreeHarness();
            GateDecision actual = harness.Run(harness.Build(tree));
            bool couldAllow = ContainsAllowSource(tree);
            return (!actual.IsAllowed || couldAllow).Label($"allowed {actual} with no allowing leaf or negation");
        }));
    }

    private static bool ContainsAllowSource(GateTree tree) => tree switch
    {
        LeafTree leaf => leaf.Kind is LeafKind.Allow or LeafKind.AllowAsync,
        NotTree => true, // a negated deny allows
        AllTree all => all.Children.All(ContainsAllowSource),
        AnyTree any => any.Children.Any(ContainsAllowSource),
        TimeoutTree timeout => ContainsAllowSource(timeout.Child),
        _ => false,
    };

    private static Arbitrary<IReadOnlyList<GateTree>> Children() =>
        Arb.From(
            Gen.Choose(1, 5)
                .SelectMany(n => Gen.ListOf(Arbitraries.AnsweringTrees().Generator, n))
                .Select(list => (IReadOnlyList<GateTree>)Rename(list)));

    private static GateTree[] Rename(IEnumerable<GateTree> children) =>
        children.Select((child, i) => Prefix(child, $"c{i}.")).ToArray();

    private static GateTree Prefix(GateTree tree, string prefix) => tree switch
    {
        LeafTree leaf => leaf with { Name = prefix + leaf.Name },
        AllTree all => new AllTree(prefix + all.Name, all.Children.Select(c => Prefix(c, prefix)).ToArray()),
        AnyTree any => new AnyTree(prefix + any.Name, any.Children.Select(c => Prefix(c, prefix)).ToArray()),
        NotTree not => new NotTree(prefix + not.Name, Prefix(not.Child, prefix)),
        TimeoutTree timeout => new TimeoutTree(prefix + timeout.Name, timeout.Exponent, Prefix(timeout.Child, prefix)),
        _ => throw new InvalidOperationException(),
    };

    private static string FirstLeaf(GateTree tree) => tree switch
    {
        LeafTree leaf => leaf.Name,
        AllTree all => FirstLeaf(all.Children[0]),
        AnyTree any => FirstLeaf(any.Children[0]),
        NotTree not => FirstLeaf(not.Child),
        TimeoutTree timeout => FirstLeaf(timeout.Child),
        _ => throw new InvalidOperationException(),
    };

    private static IEnumerable<string> LeafNames(IEnumerable<GateTree> trees) => trees.SelectMany(tree => tree switch
    {
        LeafTree leaf => [leaf.Name],
        AllTree all => LeafNames(all.Children),
        AnyTree any => LeafNames(any.Children),
        NotTree not => LeafNames([not.Child]),
        TimeoutTree timeout => LeafNames([timeout.Child]),
        _ => [],
    });
}

using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Gates.Laws;

/// <summary>
/// The three-valued logic laws of DESIGN.md over random trees (every leaf kind: asynchronous, faulting, hanging
/// leaves and timeouts that fire on the fake clock), each on at least 1,000 trees.
/// </summary>
/// <remarks>
/// "Equivalent" trees must agree on the verdict and the code. For an <see cref="Verdict.Indeterminate"/> answer they
/// must also agree on the deciding gate: <c>Not</c> passes an unknown through unchanged and both sides of each law
/// pick the first unknown in the same evaluation order. For a definite answer the deciding gate is the negation or
/// combinator that made it, which is a different gate on each side, so it is not compared. Both sides must also ask
/// the same leaves in the same order: the laws hold for what is evaluated, not only for what is returned.
/// </remarks>
public sealed class KleeneLawsTests
{
    private const int Trees = 1_000;

    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(Trees).WithQuietOnSuccess(true);

    [Fact]
    public void DeMorgan_NotAll_IsAnyOfNots()
    {
        Check.One(Config, Prop.ForAll(Arbitraries.Forests(), children =>
            Equivalent(
                new NotTree("root", new AllTree("and", children)),
                new AnyTree("root", children.Select(c => (GateTree)new NotTree("not-" + c.Name, c)).ToArray()))));
    }

    [Fact]
    public void DeMorgan_NotAny_IsAllOfNots()
    {
        Check.One(Config, Prop.ForAll(Arbitraries.Forests(), children =>
            Equivalent(
                new NotTree("root", new AnyTree("or", children)),
                new AllTree("root", children.Select(c => (GateTree)new NotTree("not-" + c.Name, c)).ToArray()))));
    }

    [Fact]
    public void DoubleNegation_NotNotG_IsG()
    {
        Check.One(Config, Prop.ForAll(Arbitraries.Forests(), trees =>
        {
            // g is named "root" so that a cancellation by the caller, reported by the root, names the same gate.
            GateTree g = Root(trees[0]);
            return Equivalent(new NotTree("root", new NotTree("inner", g)), g);
        }));
    }

    [Fact]
    public void Soundness_DefiniteAnswer_IsTheSameForEveryAnswerOfItsUnknownLeaves()
    {
        // Substitutions run through real gates: all of them when there are at most 4 unknown leaves, else all-allow,
        // all-deny and 14 drawn at random.
        Check.One(Config, Prop.ForAll(Arbitraries.Trees(), Arb.From(Gen.Choose(0, int.MaxValue)), (tree, seed) =>
        {
            GateDecision original = Run(tree);
            if (original.Verdict == Verdict.Indeterminate)
            {
                return true.Label("indeterminate: nothing to check");
            }

            LeafTree[] unknown = UnknownLeaves(tree).ToArray();
            foreach (bool[] answers in Substitutions(unknown.Length, new Random(seed)))
            {
                GateTree substituted = Substitute(tree, unknown, answers);
                GateDecision decision = Run(substituted);
                if (decision.Verdict != original.Verdict)
                {
                    return false.Label($"{tree} answered {original}, but {substituted} answered {decision}");
                }
            }

            return true.Label("sound");
        }));
    }

    [Fact]
    public void Completeness_AnswersThatAgreeForEveryUnknown_AreGivenDefinitely()
    {
        // Strong Kleene logic is the most a tree can know: when every leaf is asked once, a tree whose unknown leaves
        // cannot change its verdict must give that verdict (an earlier unknown must not hide a later deny). Holds when
        // every leaf answers; a timeout that fires cuts an evaluation short by design.
        Check.One(Config, Prop.ForAll(Arbitraries.AnsweringTrees(), tree =>
        {
            LeafTree[] unknown = UnknownLeaves(tree).ToArray();
            if (unknown.Length > 10)
            {
                return true.Label("too many unknown leaves to enumerate");
            }

            var verdicts = new HashSet<bool>();
            foreach (bool[] answers in Substitutions(unknown.Length, random: null))
            {
                var byName = new Dictionary<string, bool>(StringComparer.Ordinal);
                for (int i = 0; i < unknown.Length; i++)
                {
                    byName[unknown[i].Name] = answers[i];
                }

                verdicts.Add(Boolean(tree, byName));
            }

            GateDecision actual = Run(tree);
            Verdict expected = verdicts.Count == 2 ? Verdict.Indeterminate : verdicts.Single() ? Verdict.Allow : Verdict.Deny;
            return (actual.Verdict == expected).Label($"every substitution gives {string.Join("/", verdicts)}, the tree answered {actual}");
        }));
    }

    private static Property Equivalent(GateTree left, GateTree right)
    {
        var leftHarness = new TreeHarness();
        GateDecision l = leftHarness.Run(leftHarness.Build(left));
        var rightHarness = new TreeHarness();
        GateDecision r = rightHarness.Run(rightHarness.Build(right));

        bool same = l.Verdict == r.Verdict
            && l.Code == r.Code
            && (l.Verdict != Verdict.Indeterminate || l.Gate == r.Gate)
            && leftHarness.Invoked.SequenceEqual(rightHarness.Invoked);
        return same.Label(
            $"{left} gave {l} after [{string.Join(", ", leftHarness.Invoked)}]; {right} gave {r} after [{string.Join(", ", rightHarness.Invoked)}]");
    }

    private static GateDecision Run(GateTree tree)
    {
        var harness = new TreeHarness();
        return harness.Run(harness.Build(tree));
    }

    private static GateTree Root(GateTree tree) => tree switch
    {
        LeafTree leaf => leaf with { Name = "root" },
        AllTree all => all with { Name = "root" },
        AnyTree any => any with { Name = "root" },
        NotTree not => not with { Name = "root" },
        TimeoutTree timeout => timeout with { Name = "root" },
        _ => throw new InvalidOperationException($"Unknown node {tree}."),
    };

    private static IEnumerable<LeafTree> UnknownLeaves(GateTree tree) => tree switch
    {
        LeafTree leaf => Arbitraries.IsUnknown(leaf.Kind) ? [leaf] : [],
        AllTree all => all.Children.SelectMany(UnknownLeaves),
        AnyTree any => any.Children.SelectMany(UnknownLeaves),
        NotTree not => UnknownLeaves(not.Child),
        TimeoutTree timeout => UnknownLeaves(timeout.Child),
        _ => throw new InvalidOperationException($"Unknown node {tree}."),
    };

    /// <summary>Every assignment of Allow (true) or Deny (false) to <paramref name="count"/> leaves, or a sample when there are many.</summary>
    private static IEnumerable<bool[]> Substitutions(int count, Random? random)
    {
        if (random is null || count <= 4)
        {
            for (int bits = 0; bits < 1 << count; bits++)
            {
                yield return Enumerable.Range(0, count).Select(i => (bits & (1 << i)) != 0).ToArray();
            }

            yield break;
        }

        yield return Enumerable.Repeat(true, count).ToArray();
        yield return Enumerable.Repeat(false, count).ToArray();
        for (int sample = 0; sample < 14; sample++)
        {
            yield return Enumerable.Range(0, count).Select(_ => random.Next(2) == 1).ToArray();
        }
    }

    /// <summary>Replaces each unknown leaf by one that answers; a leaf that was asynchronous stays asynchronous.</summary>
    private static GateTree Substitute(GateTree tree, LeafTree[] unknown, bool[] answers)
    {
        var byName = new Dictionary<string, bool>(StringComparer.Ordinal);
        for (int i = 0; i < unknown.Length; i++)
        {
            byName[unknown[i].Name] = answers[i];
        }

        return Replace(tree);

        GateTree Replace(GateTree node) => node switch
        {
            LeafTree leaf when byName.TryGetValue(leaf.Name, out bool allow) => leaf with
            {
                Kind = leaf.Kind is LeafKind.ThrowAsync or LeafKind.Hang
                    ? allow ? LeafKind.AllowAsync : LeafKind.DenyAsync
                    : allow ? LeafKind.Allow : LeafKind.Deny,
            },
            LeafTree leaf => leaf,
            AllTree all => all with { Children = all.Children.Select(Replace).ToArray() },
            AnyTree any => any with { Children = any.Children.Select(Replace).ToArray() },
            NotTree not => not with { Child = Replace(not.Child) },
            TimeoutTree timeout => timeout with { Child = Replace(timeout.Child) },
            _ => throw new InvalidOperationException($"Unknown node {node}."),
        };
    }

    /// <summary>The two-valued answer of a tree whose unknown leaves answer as <paramref name="answers"/> says.</summary>
    private static bool Boolean(GateTree tree, IReadOnlyDictionary<string, bool> answers) => tree switch
    {
        LeafTree leaf => answers.TryGetValue(leaf.Name, out bool allow) ? allow : leaf.Kind is LeafKind.Allow or LeafKind.AllowAsync,
        AllTree all => all.Children.All(c => Boolean(c, answers)),
        AnyTree any => any.Children.Any(c => Boolean(c, answers)),
        NotTree not => !Boolean(not.Child, answers),
        TimeoutTree timeout => Boolean(timeout.Child, answers),
        _ => throw new InvalidOperationException($"Unknown node {tree}."),
    };
}

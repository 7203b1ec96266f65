using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Testing;

/// <summary>Random compositions of a team's leaf gates with injected faults, and how to shrink them.</summary>
internal static class Compositions
{
    /// <summary>The faults injected as leaves.</summary>
    public static readonly LeafKind[] Faults =
    [
        LeafKind.Indeterminate, LeafKind.ThrowSync, LeafKind.FaultedValueTask, LeafKind.ThrowAsync, LeafKind.Hang,
        LeafKind.Slow, LeafKind.LateAfterCancellation,
    ];

    private const int MaxDepth = 4;

    public static Gen<GateTree> Trees(IReadOnlyList<string> teamLeaves) =>
        Gen.Sized(size => Gen.Choose(1, Math.Min(MaxDepth, 1 + (size / 10))))
            .SelectMany(depth => Node(depth, teamLeaves))
            .Select(Arbitraries.Name);

    /// <summary>Smaller trees that may still fail: each subtree alone, a composite with one child fewer, a child shrunk.</summary>
    public static IEnumerable<GateTree> Shrink(GateTree tree)
    {
        switch (tree)
        {
            case AllTree all:
                return ShrinkChildren(all.Children, children => all with { Children = children });
            case AnyTree any:
                return ShrinkChildren(any.Children, children => any with { Children = children });
            case NotTree not:
                return Shrink(not.Child).Select(child => (GateTree)(not with { Child = child })).Prepend(not.Child);
            case TimeoutTree timeout:
                return Shrink(timeout.Child).Select(child => (GateTree)(timeout with { Child = child })).Prepend(timeout.Child);
            default:
                return [];
        }
    }

    private static IEnumerable<GateTree> ShrinkChildren(IReadOnlyList<GateTree> children, Func<IReadOnlyList<GateTree>, GateTree> rebuild)
    {
        foreach (GateTree child in children)
        {
            yield return child;
        }

        if (children.Count > 1)
        {
            for (int i = 0; i < children.Count; i++)
            {
                yield return rebuild(children.Where((_, j) => j != i).ToArray());
            }
        }

        for (int i = 0; i < children.Count; i++)
        {
            foreach (GateTree smaller in Shrink(children[i]))
            {
                GateTree[] copy = [.. children];
                copy[i] = smaller;
                yield return rebuild(copy);
            }
        }
    }

    private static Gen<GateTree> Node(int depth, IReadOnlyList<string> teamLeaves)
    {
        var leaves = new List<(int, Gen<GateTree>)>
        {
            (4, Gen.Elements(Faults).Select(kind => (GateTree)new LeafTree(string.Empty, kind))),
            (1, Gen.Elements(LeafKind.Allow, LeafKind.Deny, LeafKind.AllowAsync, LeafKind.DenyAsync).Select(kind => (GateTree)new LeafTree(string.Empty, kind))),
        };
        if (teamLeaves.Count > 0)
        {
            leaves.Add((3, Gen.Choose(0, teamLeaves.Count - 1).Select(i => (GateTree)new TeamLeafTree(string.Empty, i, teamLeaves[i]))));
        }

        Gen<GateTree> leaf = Gen.Frequency(leaves.ToArray());
        if (depth == 0)
        {
            return leaf;
        }

        Gen<GateTree> child = Gen.Sized(_ => Node(depth - 1, teamLeaves));
        Gen<IReadOnlyList<GateTree>> children = Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(child, n)).Select(l => (IReadOnlyList<GateTree>)l.ToArray());
        return Gen.Frequency(
            (3, leaf),
            (3, children.Select(c => (GateTree)new AllTree(string.Empty, c))),
            (3, children.Select(c => (GateTree)new AnyTree(string.Empty, c))),
            (3, child.Select(c => (GateTree)new NotTree(string.Empty, c))),
            (2, child.Select(c => (GateTree)new TimeoutTree(string.Empty, 0, c))));
    }

    /// <summary>The leaves whose answer is unknown: faults, indeterminate answers, hangs and late answers.</summary>
    public static IEnumerable<LeafTree> UnknownLeaves(GateTree tree) => tree switch
    {
        LeafTree leaf => Arbitraries.IsUnknown(leaf.Kind) ? [leaf] : [],
        AllTree all => all.Children.SelectMany(UnknownLeaves),
        AnyTree any => any.Children.SelectMany(UnknownLeaves),
        NotTree not => UnknownLeaves(not.Child),
        TimeoutTree timeout => UnknownLeaves(timeout.Child),
        _ => [],
    };

    /// <summary>Replaces each unknown leaf named in <paramref name="answers"/> by one that allows (true) or denies (false).</summary>
    public static GateTree Substitute(GateTree tree, IReadOnlyDictionary<string, bool> answers) => tree switch
    {
        LeafTree leaf when answers.TryGetValue(leaf.Name, out bool allow) => leaf with
        {
            Kind = leaf.Kind is LeafKind.ThrowAsync or LeafKind.Hang or LeafKind.LateAfterCancellation
                ? allow ? LeafKind.AllowAsync : LeafKind.DenyAsync
                : allow ? LeafKind.Allow : LeafKind.Deny,
        },
        AllTree all => all with { Children = all.Children.Select(c => Substitute(c, answers)).ToArray() },
        AnyTree any => any with { Children = any.Children.Select(c => Substitute(c, answers)).ToArray() },
        NotTree not => not with { Child = Substitute(not.Child, answers) },
        TimeoutTree timeout => timeout with { Child = Substitute(timeout.Child, answers) },
        _ => tree,
    };

    /// <summary>Every assignment of Allow (true) or Deny (false) to <paramref name="count"/> leaves, or a sample when there are many.</summary>
    public static IEnumerable<bool[]> Substitutions(int count, Random? random)
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
}

using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Testing;

/// <summary>FsCheck generators of gate trees, up to depth 5, with every kind of leaf.</summary>
internal static class Arbitraries
{
    public const int MaxDepth = 5;

    private const int MaxTimeouts = 28; // 2^27 ms stays far below the longest timeout a CancellationTokenSource supports

    /// <summary>The leaf kinds <see cref="ReferenceEvaluator"/> models (no slow or late leaves).</summary>
    public static readonly LeafKind[] ReferenceKinds =
    [
        LeafKind.Allow, LeafKind.Deny, LeafKind.Indeterminate, LeafKind.ThrowSync, LeafKind.ThrowSyncDecision,
        LeafKind.FaultedValueTask, LeafKind.ThrowAsync, LeafKind.AllowAsync, LeafKind.DenyAsync, LeafKind.Hang,
    ];

    /// <summary>Trees with every leaf kind, hanging leaves included.</summary>
    public static Arbitrary<GateTree> Trees() => Arb.From(TreeGen(MaxDepth, ReferenceKinds));

    /// <summary>Trees whose leaves all answer (synchronously or not): no hanging and no timeouts needed.</summary>
    public static Arbitrary<GateTree> AnsweringTrees() =>
        Arb.From(TreeGen(MaxDepth, ReferenceKinds.Where(k => k != LeafKind.Hang).ToArray()));

    /// <summary>
    /// One to four trees (every leaf kind, hanging leaves included) with names and timeout durations unique across all
    /// of them, for laws that put several trees under one root.
    /// </summary>
    public static Arbitrary<IReadOnlyList<GateTree>> Forests() =>
        Arb.From(
            Gen.Choose(1, 4)
                .SelectMany(n => Gen.ListOf(Gen.Choose(0, MaxDepth - 1).SelectMany(depth => Node(depth, ReferenceKinds)), n))
                .Select(trees => ((AllTree)Name(new AllTree(string.Empty, trees.ToArray()))).Children));

    /// <summary>
    /// Whether a leaf of this kind is an unknown: it answers neither Allow nor Deny (it faults, is indeterminate, hangs,
    /// or answers only after cancellation). A slow leaf allows, unless a timeout cuts it short.
    /// </summary>
    public static bool IsUnknown(LeafKind kind) =>
        kind is not (LeafKind.Allow or LeafKind.AllowAsync or LeafKind.Deny or LeafKind.DenyAsync or LeafKind.Slow);

    private static Gen<GateTree> TreeGen(int maxDepth, LeafKind[] leafKinds) =>
        Gen.Choose(0, maxDepth)
            .SelectMany(depth => Node(depth, leafKinds))
            .Select(Name);

    private static Gen<GateTree> Node(int depth, LeafKind[] leafKinds)
    {
        Gen<GateTree> leaf = Gen.Elements(leafKinds).Select(kind => (GateTree)new LeafTree(string.Empty, kind));
        if (depth == 0)
        {
            return leaf;
        }

        Gen<GateTree> child = Gen.Sized(_ => Node(depth - 1, leafKinds));
        Gen<IReadOnlyList<GateTree>> children = Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(child, n)).Select(l => (IReadOnlyList<GateTree>)l.ToArray());
        return Gen.Frequency(
            (3, leaf),
            (3, children.Select(c => (GateTree)new AllTree(string.Empty, c))),
            (3, children.Select(c => (GateTree)new AnyTree(string.Empty, c))),
            (1, child.Select(c => (GateTree)new NotTree(string.Empty, c))),
            (2, child.Select(c => (GateTree)new TimeoutTree(string.Empty, 0, c))));
    }

    /// <summary>Gives every node a unique name, every timeout a unique power-of-two duration and every slow leaf a delay.</summary>
    internal static GateTree Name(GateTree tree)
    {
        int next = 0;
        int timeouts = 0;
        int slow = 0;
        return Rename(tree);

        GateTree Rename(GateTree node)
        {
            string name = $"n{next++}";
            switch (node)
            {
                case LeafTree { Kind: LeafKind.Slow } leaf:
                    return leaf with { Name = name, DelayMs = 3L << (slow++ % 24) }; // never a power of two: no tie with a deadline alone
                case LeafTree leaf:
                    return leaf with { Name = name };
                case TeamLeafTree team:
                    return team with { Name = name };
                case AllTree all:
                    return new AllTree(name, all.Children.Select(Rename).ToArray());
                case AnyTree any:
                    return new AnyTree(name, any.Children.Select(Rename).ToArray());
                case NotTree not:
                    return new NotTree(name, Rename(not.Child));
                case TimeoutTree timeout when timeouts < MaxTimeouts:
                    return new TimeoutTree(name, timeouts++, Rename(timeout.Child));
                case TimeoutTree timeout:
                    return new NotTree(name, new NotTree(name + "'", Rename(timeout.Child)));
                default:
                    throw new InvalidOperationException($"Unknown node {node}.");
            }
        }
    }
}

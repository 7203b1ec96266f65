using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Gates;

public sealed class AllocationTests
{
    [Fact]
    public void EvaluateAsync_SynchronousAllAnyNotTreeOf8Leaves_AllocatesNothing()
    {
        Gate<int> Leaf(string name, int threshold) => Gate.Require<int>(name, x => x >= threshold);

        Gate<int> tree = Gate.All(
            Gate.Any(Leaf("a", 0), Leaf("b", 1)),
            Gate.Not(Gate.Require<int>("c", static x => x < 0)),
            Gate.All(Leaf("d", 0), Leaf("e", 0)),
            Gate.Any(Gate.Not(Leaf("f", 100)), Leaf("g", 0)),
            Leaf("h", 0));

        AssertAllowsWithoutAllocating(tree);
    }

    [Fact]
    public void EvaluateAsync_SynchronousAllWithIndeterminateChildThenAllows_AllocatesNothing()
    {
        GateDecision unknown = GateDecision.Indeterminate("unknown", GateCodes.ResultIncomplete);
        Gate<int> tree = Gate.All(
            Gate.Require<int>("a", static x => x >= 0),
            Gate.From<int>("unknown", _ => unknown),
            Gate.Require<int>("b", static x => x >= 0),
            Gate.All(Gate.Allow<int>("c"), Gate.From<int>("unknown2", _ => unknown)),
            Gate.Require<int>("d", static x => x >= 0));

        for (int i = 0; i < 1_000; i++)
        {
            Assert.Equal("unknown", tree.Decide(i).Gate);
        }

        int indeterminate = 0;
        long allocated = LeastAllocated(() =>
        {
            indeterminate = 0;
            for (int i = 0; i < 10_000; i++)
            {
                if (tree.Decide(i).Verdict == Verdict.Indeterminate)
                {
                    indeterminate++;
                }
            }
        });

        Assert.Equal(10_000, indeterminate);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void EvaluateAsync_AllAndAnyOfExpressionRequirements_AllocatesNothing()
    {
        // Whole composites and runs inside mixed ones are fused; the fused path must stay allocation-free too.
        Gate<int> tree = Gate.All(
            Gate.RequireExpression<int>("a", static x => x >= 0),
            Gate.RequireExpression<int>("b", static x => x < 1_000_000),
            Gate.Any(Gate.RequireExpression<int>("c", static x => x < 0), Gate.RequireExpression<int>("d", static x => x % 1 == 0)),
            Gate.Require<int>("e", static x => x >= 0),
            Gate.RequireExpression<int>("f", static x => x != -1),
            Gate.RequireExpression<int>("g", static x => x != -2));

        AssertAllowsWithoutAllocating(tree);
    }

    [Fact]
    public void EvaluateAsync_CachedHit_AllocatesNothing()
    {
        Gate<int> gate = Gate.Cached(Gate.Require<int>("even", static x => x % 2 == 0), TimeSpan.FromHours(1), static (int x) => x % 4);
        for (int i = 0; i < 1_000; i++)
        {
            _ = gate.Decide(i);
        }

        long allocated = LeastAllocated(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                _ = gate.Decide(i);
            }
        });

        Assert.Equal(0, allocated);
    }

    /// <summary>Evaluates <paramref name="tree"/> 10,000 times after a warm-up: every evaluation allows, none allocates.</summary>
    private static void AssertAllowsWithoutAllocating(Gate<int> tree)
    {
        // Warm up: JIT, tiering and statics allocate once.
        for (int i = 0; i < 1_000; i++)
        {
            Assert.True(tree.Decide(i).IsAllowed);
        }

        int allowed = 0;
        long allocated = LeastAllocated(() =>
        {
            allowed = 0;
            for (int i = 0; i < 10_000; i++)
            {
                if (tree.Decide(i).IsAllowed)
                {
                    allowed++;
                }
            }
        });

        Assert.Equal(10_000, allowed);
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// The fewest bytes <paramref name="run"/> allocated on this thread in three runs. An allocation on the evaluation
    /// path happens on every run (10,000 evaluations each), so it still fails the test; a one-off allocation by the
    /// runtime while a method is promoted to its next tier, on a loaded machine, does not.
    /// </summary>
    private static long LeastAllocated(Action run)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}

using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Testing;

/// <summary>
/// Law checks for a team's own gates, one call each. Each runs <see cref="LawCheckOptions.MaxTest"/> random cases and
/// throws <see cref="LawViolationException"/> with the smallest failing case it found and the seed to replay it.
/// </summary>
public static class GateLaws
{
    /// <summary>
    /// Checks that the gate <paramref name="build"/> makes never allows while the dependency it is given throws,
    /// returns a faulted task, hangs until canceled, answers only after the caller gave up, or answers after cancellation.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <typeparam name="TAnswer">The type of the dependency's answer.</typeparam>
    /// <param name="build">Builds the gate under test on a (faulty) dependency and the check's manual clock.</param>
    /// <param name="contexts">The contexts to judge.</param>
    /// <param name="allowingAnswer">An answer of the dependency that would let the gate allow: the slow and late
    /// dependencies answer it, too late to be used.</param>
    /// <param name="options">How many cases, from which seed; <see cref="LawCheckOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="build"/> or <paramref name="contexts"/> is null.</exception>
    /// <exception cref="LawViolationException">The gate allowed while its dependency failed.</exception>
    public static void FailsClosed<TContext, TAnswer>(
        Func<Func<TContext, CancellationToken, ValueTask<TAnswer>>, TimeProvider, Gate<TContext>> build,
        Arbitrary<TContext> contexts,
        TAnswer allowingAnswer,
        LawCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(contexts);
        LawCheckOptions effective = options ?? LawCheckOptions.Default;
        GateFault[] faults = [GateFault.Throw, GateFault.FaultedValueTask, GateFault.Hang, GateFault.Slow, GateFault.LateAfterCancellation];
        LawRunner.Check("FailsClosed", effective, Prop.ForAll(FaultCases(contexts, faults), @case =>
        {
            var clock = new ManualTimeProvider();
            TimeSpan slowBy = effective.CallerTimeout + effective.CallerTimeout;
            Gate<TContext> gate = build(
                (_, cancellationToken) => Faults.Apply(@case.Fault, () => allowingAnswer, allowingAnswer, clock, slowBy, "dependency", cancellationToken),
                clock);
            return Closed(gate, @case.Context, clock, effective.CallerTimeout);
        }));
    }

    /// <summary>
    /// Checks that the gate <paramref name="build"/> makes on a dependency gate never allows while that gate throws,
    /// faults, hangs, is slower than the caller waits, is indeterminate, or answers after cancellation.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="build">Builds the gate under test on a (faulty) dependency gate and the check's manual clock.</param>
    /// <param name="contexts">The contexts to judge.</param>
    /// <param name="options">How many cases, from which seed; <see cref="LawCheckOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="build"/> or <paramref name="contexts"/> is null.</exception>
    /// <exception cref="LawViolationException">The gate allowed while its dependency failed.</exception>
    public static void FailsClosed<TContext>(
        Func<Gate<TContext>, TimeProvider, Gate<TContext>> build,
        Arbitrary<TContext> contexts,
        LawCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(contexts);
        LawCheckOptions effective = options ?? LawCheckOptions.Default;
        GateFault[] faults = [.. Enum.GetValues<GateFault>().Where(f => f != GateFault.None)];
        LawRunner.Check("FailsClosed", effective, Prop.ForAll(FaultCases(contexts, faults), @case =>
        {
            var clock = new ManualTimeProvider();
            var dependency = new ScriptedGate<TContext>("dependency", clock)
            {
                Fault = @case.Fault,
                SlowBy = effective.CallerTimeout + effective.CallerTimeout,
            };
            return Closed(build(dependency, clock), @case.Context, clock, effective.CallerTimeout);
        }));
    }

    /// <summary>
    /// Checks that a gate is deterministic: one instance judging a sequence of contexts (twice over) gives each the
    /// verdict and code a fresh instance gives it. Catches caches that serve stale or wrongly keyed entries.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="create">Creates a fresh instance of the gate under test.</param>
    /// <param name="contexts">The contexts to judge.</param>
    /// <param name="options">How many cases, from which seed; <see cref="LawCheckOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> or <paramref name="contexts"/> is null.</exception>
    /// <exception cref="LawViolationException">The same context got two different answers.</exception>
    public static void IsDeterministic<TContext>(Func<Gate<TContext>> create, Arbitrary<TContext> contexts, LawCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(contexts);
        Gen<ContextList<TContext>> gen = Gen.Choose(1, 6)
            .SelectMany(n => Gen.ListOf(contexts.Generator, n))
            .Select(list => new ContextList<TContext>([.. list]));
        Arbitrary<ContextList<TContext>> arbitrary = Arb.From(gen, static list => list.Items.Count <= 1
            ? []
            : Enumerable.Range(0, list.Items.Count).Select(i => new ContextList<TContext>([.. list.Items.Where((_, j) => j != i)])));
        LawRunner.Check("IsDeterministic", options, Prop.ForAll(arbitrary, list =>
        {
            Gate<TContext> shared = create();
            for (int pass = 0; pass < 2; pass++)
            {
                foreach (TContext context in list.Items)
                {
                    GateDecision again = Evaluate(shared, context);
                    GateDecision fresh = Evaluate(create(), context);
                    if (again.Verdict != fresh.Verdict || again.Code != fresh.Code)
                    {
                        return false.Label(string.Create(
                            CultureInfo.InvariantCulture,
                            $"context {context} got {again} from the instance that judged {list} before it, but {fresh} from a fresh instance"));
                    }
                }
            }

            return true.Label("deterministic");
        }));
    }

    /// <summary>
    /// Checks that every Allow is sound under the three-valued laws: random compositions of <paramref name="leaves"/>
    /// with injected faults (throwing, faulted, hanging, slow, indeterminate and late leaves) under All, Any, Not and
    /// Timeout allow only when they would still allow whatever the unknown leaves had answered.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="leaves">The team's own leaf gates; may be empty to check the combinators alone.</param>
    /// <param name="contexts">The contexts to judge.</param>
    /// <param name="combinators">The combinators to compose with; <see cref="GateCombinators{TContext}.Library"/> when null.</param>
    /// <param name="options">How many cases, from which seed; <see cref="LawCheckOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="leaves"/> or <paramref name="contexts"/> is null.</exception>
    /// <exception cref="LawViolationException">A composition allowed although some answers of its unknown leaves
    /// would have denied; the message prints the smallest such composition as code.</exception>
    public static void AllowIsSound<TContext>(
        IReadOnlyList<Gate<TContext>> leaves,
        Arbitrary<TContext> contexts,
        GateCombinators<TContext>? combinators = null,
        LawCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(contexts);
        Gate<TContext>[] team = [.. leaves];
        GateCombinators<TContext> effectiveCombinators = combinators ?? GateCombinators<TContext>.Library;
        string[] names = [.. team.Select(g => g.Name)];
        Gen<CompositionCase<TContext>> gen =
            from context in contexts.Generator
            from tree in Compositions.Trees(names)
            from seed in Gen.Choose(0, int.MaxValue)
            select new CompositionCase<TContext>(context, tree, seed);
        Arbitrary<CompositionCase<TContext>> arbitrary = Arb.From(gen, @case =>
            Compositions.Shrink(@case.Tree).Select(tree => @case with { Tree = tree })
                .Concat(contexts.Shrinker(@case.Context).Select(context => @case with { Context = context })));
        LawRunner.Check("AllowIsSound", options, Prop.ForAll(arbitrary, @case =>
        {
            GateDecision original = RunTree(@case.Tree, @case.Context, team, effectiveCombinators);
            if (!original.IsAllowed)
            {
                return true.Label("not allowed: nothing to check");
            }

            LeafTree[] unknown = [.. Compositions.UnknownLeaves(@case.Tree)];
            foreach (bool[] answers in Compositions.Substitutions(unknown.Length, new Random(@case.Seed)))
            {
                var byName = new Dictionary<string, bool>(StringComparer.Ordinal);
                for (int i = 0; i < unknown.Length; i++)
                {
                    byName[unknown[i].Name] = answers[i];
                }

                GateTree substituted = Compositions.Substitute(@case.Tree, byName);
                GateDecision decision = RunTree(substituted, @case.Context, team, effectiveCombinators);
                if (!decision.IsAllowed)
                {
                    return false.Label($"{@case.Tree} allowed ({original}), but {substituted} answered {decision}: the Allow depended on an unknown");
                }
            }

            return true.Label("sound");
        }));
    }

    internal static GateDecision Evaluate<TContext>(Gate<TContext> gate, TContext context)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return gate.EvaluateAsync(context).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private static GateDecision RunTree<TContext>(GateTree tree, TContext context, Gate<TContext>[] team, GateCombinators<TContext> combinators)
    {
        var harness = new TreeHarness<TContext>(context, team, combinators);
        return harness.Run(harness.Build(tree));
    }

    private static Property Closed<TContext>(Gate<TContext> gate, TContext context, ManualTimeProvider clock, TimeSpan callerTimeout)
    {
        Task<GateDecision>? run = Driver.Run(ct => gate.EvaluateAsync(context, ct).AsTask(), clock, callerTimeout);
        if (run is null)
        {
            return false.Label($"gate '{gate.Name}' never answered, even after its caller canceled");
        }

        if (!run.IsCompletedSuccessfully)
        {
            return false.Label($"gate '{gate.Name}' threw instead of answering: {run.Exception?.GetBaseException().GetType().Name}");
        }

        GateDecision decision = run.Result;
        return (!decision.IsAllowed).Label($"gate '{gate.Name}' answered {decision}");
    }

    private static Arbitrary<FaultCase<TContext>> FaultCases<TContext>(Arbitrary<TContext> contexts, GateFault[] faults)
    {
        Gen<FaultCase<TContext>> gen =
            from context in contexts.Generator
            from fault in Gen.Elements(faults)
            select new FaultCase<TContext>(context, fault);
        return Arb.From(gen, @case => contexts.Shrinker(@case.Context).Select(context => @case with { Context = context }));
    }

    private sealed record FaultCase<TContext>(TContext Context, GateFault Fault)
    {
        public override string ToString() => $"context {Context} with a dependency that shows {Fault}";
    }

    private sealed record CompositionCase<TContext>(TContext Context, GateTree Tree, int Seed)
    {
        public override string ToString() => $"{Tree} on context {Context}";
    }

    private sealed record ContextList<TContext>(IReadOnlyList<TContext> Items)
    {
        public override string ToString() => "[" + string.Join(", ", Items) + "]";
    }
}

using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Testing;

/// <summary>Law checks for executors, one call each; each throws <see cref="LawViolationException"/> with the failing case and its seed.</summary>
public static class ExecutorLaws
{
    private static readonly SinkBehavior[] Chaos =
    [
        SinkBehavior.Ok, SinkBehavior.Yielding, SinkBehavior.Throw, SinkBehavior.Fault, SinkBehavior.Hang,
        SinkBehavior.HangIgnoringToken, SinkBehavior.Slow, SinkBehavior.SlowThenHang, SinkBehavior.AcknowledgeLate,
        SinkBehavior.Corrupt,
    ];

    /// <summary>
    /// Checks that an executor is evidence-first under a chaos sink (appends that throw, fault, hang, are slow,
    /// acknowledge late or corrupt): the side effect runs at most once and only after an Intent record was
    /// acknowledged, and no Outcome record is stored without its Intent before it.
    /// </summary>
    /// <param name="run">Runs a side effect through the executor under test, built on the given sink and clock.</param>
    /// <param name="options">How many cases, from which seed; <see cref="LawCheckOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null.</exception>
    /// <exception cref="LawViolationException">A side effect ran without an acknowledged Intent, ran twice, or an
    /// Outcome was stored without its Intent.</exception>
    public static void IsEvidenceFirst(GuardedRun run, LawCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        LawCheckOptions effective = options ?? LawCheckOptions.Default;
        Gen<SinkScript> gen = Gen.Choose(1, 4)
            .SelectMany(n => Gen.ArrayOf(Gen.Elements(Chaos), n))
            .Select(behaviors => new SinkScript(behaviors));
        Arbitrary<SinkScript> arbitrary = Arb.From(gen, static script => Shrink(script));
        LawRunner.Check("IsEvidenceFirst", effective, Prop.ForAll(arbitrary, script => Check(run, script, effective.CallerTimeout)));
    }

    private static Property Check(GuardedRun run, SinkScript script, TimeSpan callerTimeout)
    {
        var clock = new ManualTimeProvider();
        var sink = new ScriptedEvidenceSink(clock);
        int appends = -1;
        sink.Script = _ =>
        {
            int index = Interlocked.Increment(ref appends);
            return index < script.Behaviors.Length ? script.Behaviors[index] : SinkBehavior.Ok;
        };
        int runs = 0;
        IReadOnlyList<EvidenceRecord>? acknowledgedAtStart = null;
        Task<bool>? done = Driver.Run(
            async ct =>
            {
                await run(sink, clock, _ =>
                {
                    if (Interlocked.Increment(ref runs) == 1)
                    {
                        acknowledgedAtStart = sink.Acknowledged;
                    }

                    return ValueTask.CompletedTask;
                }, ct).ConfigureAwait(false);
                return true;
            },
            clock,
            callerTimeout);

        if (runs > 1)
        {
            return false.Label($"the side effect ran {runs} times");
        }

        if (runs == 1 && acknowledgedAtStart!.All(r => r.Kind != EvidenceKind.Intent))
        {
            return false.Label($"the side effect ran before an Intent record was acknowledged (acknowledged then: {Describe(acknowledgedAtStart!)}; stored in the end: {Describe(sink.Records)})");
        }

        if (done is null)
        {
            return false.Label("the executor never returned, even after its caller canceled");
        }

        IReadOnlyList<EvidenceRecord> stored = sink.Records;
        for (int i = 0; i < stored.Count; i++)
        {
            EvidenceRecord outcome = stored[i];
            if (outcome.Kind == EvidenceKind.Outcome
                && !stored.Take(i).Any(r => r.Kind == EvidenceKind.Intent && r.ExecutionId == outcome.ExecutionId))
            {
                return false.Label($"an Outcome record of execution '{outcome.ExecutionId}' was stored without its Intent before it ({Describe(stored)})");
            }
        }

        return true.Label("evidence-first");
    }

    private static string Describe(IReadOnlyList<EvidenceRecord> records) =>
        records.Count == 0 ? "none" : string.Join(", ", records.Select(r => $"{r.Kind}({r.ExecutionId})"));

    private static IEnumerable<SinkScript> Shrink(SinkScript script)
    {
        if (script.Behaviors.Length > 1)
        {
            for (int i = 0; i < script.Behaviors.Length; i++)
            {
                yield return new SinkScript([.. script.Behaviors.Where((_, j) => j != i)]);
            }
        }

        for (int i = 0; i < script.Behaviors.Length; i++)
        {
            if (script.Behaviors[i] != SinkBehavior.Ok)
            {
                SinkBehavior[] simpler = [.. script.Behaviors];
                simpler[i] = SinkBehavior.Ok;
                yield return new SinkScript(simpler);
            }
        }
    }

    private sealed record SinkScript(SinkBehavior[] Behaviors)
    {
        public override string ToString() => "sink appends: " + string.Join(", ", Behaviors) + ", then Ok";
    }
}

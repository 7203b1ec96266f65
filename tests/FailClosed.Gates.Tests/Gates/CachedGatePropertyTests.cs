using FailClosed.Gates.Tests.TestUtilities;
using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Gates;

/// <summary>The Cached law: a definite verdict is reused for its TTL only; a stale entry is never served; a failed refresh blocks.</summary>
public sealed class CachedGatePropertyTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    [Fact]
    public void Cached_AnySequence_MatchesModel()
    {
        Gen<Step> step = Gen.Frequency(
            (3, Gen.Choose(0, 3).SelectMany(key => Gen.Elements(Verdict.Allow, Verdict.Deny, Verdict.Indeterminate).Select(v => new Step(key, v, TimeSpan.Zero)))),
            (1, Gen.Choose(1, 15).Select(seconds => new Step(-1, default, TimeSpan.FromSeconds(seconds)))));
        Arbitrary<Step[]> steps = Arb.From(Gen.ListOf(step).Select(l => l.ToArray()));

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(1_000).WithQuietOnSuccess(true),
            Prop.ForAll(steps, Run));
    }

    private static bool Run(Step[] steps)
    {
        var time = new ManualTimeProvider();
        Verdict next = Verdict.Allow;
        int calls = 0;
        Gate<int> source = Gate.From<int>("source", _ =>
        {
            calls++;
            return next switch
            {
                Verdict.Allow => GateDecision.Allow("source"),
                Verdict.Deny => GateDecision.Deny("source"),
                _ => GateDecision.Indeterminate("source", GateCodes.Fault),
            };
        });
        Gate<int> gate = Gate.Cached(source, Ttl, (int key) => key, time);
        var model = new Dictionary<int, (Verdict Verdict, DateTimeOffset AskedAt)>();

        foreach (Step s in steps)
        {
            if (s.Key < 0)
            {
                time.Advance(s.Advance);
                continue;
            }

            next = s.SourceVerdict;
            int callsBefore = calls;
            GateDecision actual = gate.Decide(s.Key);

            DateTimeOffset now = time.GetUtcNow();
            Verdict expected;
            string expectedCode;
            bool expectCall;
            if (model.TryGetValue(s.Key, out var entry) && now - entry.AskedAt < Ttl)
            {
                (expected, expectedCode, expectCall) = (entry.Verdict, entry.Verdict == Verdict.Allow ? GateCodes.Allowed : GateCodes.Denied, false);
            }
            else
            {
                bool hadStale = model.Remove(s.Key);
                expectCall = true;
                expected = s.SourceVerdict;
                expectedCode = s.SourceVerdict switch
                {
                    Verdict.Allow => GateCodes.Allowed,
                    Verdict.Deny => GateCodes.Denied,
                    _ => hadStale ? GateCodes.CacheStale : GateCodes.Fault,
                };
                if (s.SourceVerdict != Verdict.Indeterminate)
                {
                    model[s.Key] = (s.SourceVerdict, now);
                }
            }

            if (actual.Verdict != expected || actual.Code != expectedCode || (calls > callsBefore) != expectCall)
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Step(int Key, Verdict SourceVerdict, TimeSpan Advance);
}

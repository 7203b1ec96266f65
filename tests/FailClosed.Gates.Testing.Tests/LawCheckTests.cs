using System.Text;

namespace FailClosed.Gates.Testing.Tests;

/// <summary>
/// Each law check passes for the library's own gates and executor, and fails, within its default number of cases,
/// for a planted bug: the kit catches real mistakes, and says which case and seed.
/// </summary>
public sealed class LawCheckTests
{
    private static readonly byte[] Policy = Encoding.UTF8.GetBytes(
        """{ "roles": [ { "role": "clerk", "maxAmount": 1000 }, { "role": "treasurer", "maxAmount": 250000 } ] }""");

    private static readonly PolicyPin Pin = PolicyPin.FromContent("payments-release", "3", Policy);

    private static Arbitrary<int> Ints { get; } = ArbMap.Default.ArbFor<int>();

    private static Arbitrary<PaymentRequest> Payments { get; } =
        (from role in Gen.Elements("clerk", "treasurer", "intern")
         from amount in Gen.Choose(0, 300_000)
         select new PaymentRequest(role, amount)).ToArbitrary();

    [Fact]
    public void FailsClosed_RequireOverDependency_Holds()
    {
        GateLaws.FailsClosed<int, bool>((dependency, _) => Gate.Require<int>("pdp", (context, ct) => dependency(context, ct)), Ints, allowingAnswer: true);
    }

    [Fact]
    public void FailsClosed_TimeoutOverDependencyGate_Holds()
    {
        GateLaws.FailsClosed<int>((dependency, time) => Gate.Timeout("pdp-timeout", dependency, TimeSpan.FromMilliseconds(250), time), Ints);
    }

    [Fact]
    public void FailsClosed_GateThatTurnsExceptionsIntoAllow_Fails()
    {
        LawViolationException violation = Assert.Throws<LawViolationException>(() =>
            GateLaws.FailsClosed<int, bool>((dependency, _) => new PlantedBugs.SwallowingGate(dependency), Ints, allowingAnswer: false));

        Assert.Equal("FailsClosed", violation.Law);
        Assert.Contains("gate 'swallowing' answered Allow", violation.Message, StringComparison.Ordinal);
        Assert.Contains($"Seed = {violation.Seed}", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailsClosed_GateThatReadsNotDeniedAsAllowed_Fails()
    {
        Assert.Throws<LawViolationException>(() =>
            GateLaws.FailsClosed<int>((dependency, _) => new PlantedBugs.NotDeniedGate(dependency), Ints));
    }

    [Fact]
    public void AllowIsSound_LibraryCombinatorsOverTeamLeaves_Holds()
    {
        Gate<int>[] leaves = [Gate.Require<int>("limit", amount => amount < 1_000), Gate.Require<int>("even", amount => amount % 2 == 0)];
        GateLaws.AllowIsSound(leaves, Gen.Choose(0, 2_000).ToArbitrary());
    }

    [Fact]
    public void AllowIsSound_NotThatFlipsIndeterminate_FailsWithReadableTree()
    {
        var combinators = GateCombinators<int>.Library with { Not = static (name, gate) => new PlantedBugs.FlippingNot<int>(name, gate) };

        LawViolationException violation = Assert.Throws<LawViolationException>(() =>
            GateLaws.AllowIsSound([Gate.Require<int>("limit", amount => amount < 1_000)], Ints, combinators));

        Assert.Equal("AllowIsSound", violation.Law);
        Assert.Contains("Not(", violation.Message, StringComparison.Ordinal);
        Assert.Contains("the Allow depended on an unknown", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowIsSound_AllThatLetsIndeterminatePass_FailsWithTheMinimalTree()
    {
        var combinators = GateCombinators<int>.Library with { All = static (name, gates) => new PlantedBugs.LenientAll<int>(name, gates) };

        // A fixed seed: how far shrinking gets depends on the random cases, and this test is about the printed shape.
        LawViolationException violation = Assert.Throws<LawViolationException>(() =>
            GateLaws.AllowIsSound([Gate.Require<int>("limit", amount => amount < 1_000)], Ints, combinators, new LawCheckOptions { Seed = 20261203 }));

        // Shrunk to one All over one unknown leaf, printed as the code that builds it.
        Assert.Matches(
            @"Shrunk:\s*All\((Indeterminate|Throwing|ThrowingDecision|Faulted|ThrowingAsync)\(""n\d+""\)\) on context",
            violation.Message);
    }

    [Fact]
    public void AllowIsSound_SameSeed_SameCounterexample()
    {
        var combinators = GateCombinators<int>.Library with { All = static (name, gates) => new PlantedBugs.LenientAll<int>(name, gates) };
        var options = new LawCheckOptions { Seed = 20261203 };

        string first = Assert.Throws<LawViolationException>(() => GateLaws.AllowIsSound([], Ints, combinators, options)).Message;
        string second = Assert.Throws<LawViolationException>(() => GateLaws.AllowIsSound([], Ints, combinators, options)).Message;

        Assert.Equal(first, second);
        Assert.Contains("Seed = 20261203", first, StringComparison.Ordinal);
    }

    [Fact]
    public void IsDeterministic_PolicyGate_Holds()
    {
        GateLaws.IsDeterministic(() => RoleLimitPolicyCompiler.Compile("limits", Policy), Payments);
    }

    [Fact]
    public void IsDeterministic_CacheThatServesStaleEntries_Fails()
    {
        LawViolationException violation = Assert.Throws<LawViolationException>(() =>
            GateLaws.IsDeterministic(() => new PlantedBugs.StaleCacheGate(RoleLimitPolicyCompiler.Compile("limits", Policy)), Payments));

        Assert.Contains("from a fresh instance", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsEvidenceFirst_EvidenceFirstExecutor_Holds()
    {
        var action = new GuardedAction<int>("payments.release", Gate.Allow<int>("ok"));
        ExecutorLaws.IsEvidenceFirst(async (sink, time, sideEffect, ct) =>
        {
            var executor = new EvidenceFirstExecutor(sink, new EvidenceFirstExecutorOptions { TimeProvider = time });
            _ = await executor.ExecuteAsync(action, 1, (_, token) => sideEffect(token), ct);
        });
    }

    [Fact]
    public void IsEvidenceFirst_ExecutorThatRunsBeforeTheIntentIsAcknowledged_Fails()
    {
        LawViolationException violation = Assert.Throws<LawViolationException>(() => ExecutorLaws.IsEvidenceFirst(PlantedBugs.EagerExecuteAsync));

        Assert.Contains("before an Intent record was acknowledged", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NeverAllowsMutatedArtifact_PinnedGate_Holds()
    {
        PinnedGateLaws.NeverAllowsMutatedArtifact(
            Pin, Policy, source => Gate.Pinned<PaymentRequest>(Pin, source, RoleLimitPolicyCompiler.Compile), new PaymentRequest("clerk", 900m));
    }

    [Fact]
    public void NeverAllowsMutatedArtifact_GateThatSkipsTheDigest_Fails()
    {
        LawViolationException violation = Assert.Throws<LawViolationException>(() => PinnedGateLaws.NeverAllowsMutatedArtifact(
            Pin, Policy, source => new PlantedBugs.DigestSkippingGate(Pin, source), new PaymentRequest("clerk", 900m)));

        Assert.Contains("allowed with the artifact mutated", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NeverAllowsMutatedArtifact_GateThatDeniesTheContext_IsRejectedAsVacuous()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => PinnedGateLaws.NeverAllowsMutatedArtifact(
            Pin, Policy, source => Gate.Pinned<PaymentRequest>(Pin, source, RoleLimitPolicyCompiler.Compile), new PaymentRequest("clerk", 5_000m)));

        Assert.Contains("must allow the context with the intact artifact", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LawCheckOptions_NoCases_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            GateLaws.IsDeterministic(() => Gate.Allow<int>("ok"), Ints, new LawCheckOptions { MaxTest = 0 }));
    }
}

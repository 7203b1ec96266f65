using FailClosed.Gates.Testing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace FailClosed.Gates.Samples.TeamGateTests;

/// <summary>The team's tests: each law is one call; a failure throws with the smallest failing case and its seed.</summary>
public sealed class RefundGateTests
{
    private static readonly Arbitrary<Refund> Refunds =
        (from customer in Gen.Elements("c-1", "c-2", "c-3")
         from cents in Gen.Choose(0, 100_000)
         select new Refund(customer, cents / 100m)).ToArbitrary();

    [Fact]
    public void RefundGate_FraudServiceFaultsHangsOrAnswersLate_NeverAllows() =>
        GateLaws.FailsClosed<Refund, int>((fraudScore, time) => new RefundGate((r, ct) => fraudScore(r, ct), time), Refunds, allowingAnswer: 0);

    [Fact]
    public void RefundGate_SameRefund_SameAnswer() =>
        GateLaws.IsDeterministic(() => new RefundGate((refund, _) => ValueTask.FromResult(refund.Customer == "c-3" ? 90 : 10), TimeProvider.System), Refunds);

    [Fact]
    public void RefundGate_ComposedWithFaultyGates_AllowsOnlyWhenSound() =>
        GateLaws.AllowIsSound([new RefundGate((_, _) => ValueTask.FromResult(10), TimeProvider.System)], Refunds);

    [Fact]
    public void RefundRelease_UnderAChaosSink_IsEvidenceFirst()
    {
        var action = new GuardedAction<Refund>("refunds.release", new RefundGate((_, _) => ValueTask.FromResult(10), TimeProvider.System));
        ExecutorLaws.IsEvidenceFirst(async (sink, time, sideEffect, ct) =>
        {
            var executor = new EvidenceFirstExecutor(sink, new EvidenceFirstExecutorOptions { TimeProvider = time });
            // The law watches the side effect and the sink; the result itself is not what it judges.
            _ = await executor.ExecuteAsync(action, new Refund("c-1", 20m), (_, token) => sideEffect(token), ct);
        });
    }

    [Fact]
    public async Task RefundRelease_SinkFailsEveryOtherAppend_LeavesItsRecordsInOrder()
    {
        ScriptedEvidenceSink sink = ScriptedEvidenceSink.FailingEvery(2);
        var executor = new EvidenceFirstExecutor(sink);
        var action = new GuardedAction<Refund>("refunds.release", new RefundGate((_, _) => ValueTask.FromResult(10), TimeProvider.System));

        GuardedResult result = await executor.ExecuteAsync(action, new Refund("c-1", 20m), (_, _) => ValueTask.CompletedTask);

        Assert.True(result.Executed);
        Assert.True(result.IsOutcomeUnrecorded); // the 2nd append, the Outcome, failed
        EvidenceAssertions.ExecutionInOrder(sink.Records, result.ExecutionId);
    }
}

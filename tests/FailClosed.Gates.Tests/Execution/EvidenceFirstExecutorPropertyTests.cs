using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Execution;

public sealed class EvidenceFirstExecutorPropertyTests
{
    public enum GateOutcome
    {
        Allow,
        AllowAsync,
        Deny,
        Indeterminate,
        Throws,
    }

    public enum SinkScript
    {
        Ok,
        Yielding,
        Throw,
        Fault,
        Hang,
        HangIgnoringToken,
        SlowWithinDeadline,
        SlowPastDeadline,
        FailOnlyOutcome,
    }

    public enum SideEffectOutcome
    {
        Returns,
        ReturnsAsync,
        Throws,
    }

    public enum Exemption
    {
        None,
        InForce,
        Expired,
    }

    [Fact]
    public async Task ExecuteAsync_AnyGateSinkAndSideEffect_RunsExactlyWhenAllowedAndRecordedOrValidlyExempt()
    {
        // Off the test thread: the property blocks on each execution, and nothing here may depend on xunit's context.
        await Task.Run(static () => Prop.ForAll(Arbitraries.Scenario(), Check).QuickCheckThrowOnFailure());
    }

    private static bool Check(Scenario scenario)
    {
        var f = new ExecutorFixture();
        f.Sink.Script = record => scenario.Sink switch
        {
            SinkScript.Ok => SinkBehavior.Ok,
            SinkScript.Yielding => SinkBehavior.Yielding,
            SinkScript.Throw => SinkBehavior.Throw,
            SinkScript.Fault => SinkBehavior.Fault,
            SinkScript.Hang => SinkBehavior.Hang,
            SinkScript.HangIgnoringToken => SinkBehavior.HangIgnoringToken,
            SinkScript.SlowWithinDeadline or SinkScript.SlowPastDeadline => SinkBehavior.Slow,
            SinkScript.FailOnlyOutcome => record.Kind == EvidenceKind.Outcome ? SinkBehavior.Throw : SinkBehavior.Ok,
            _ => throw new InvalidOperationException(),
        };
        f.Sink.SlowBy = scenario.Sink == SinkScript.SlowPastDeadline
            ? ExecutorFixture.Timeout + TimeSpan.FromSeconds(1)
            : ExecutorFixture.Timeout - TimeSpan.FromSeconds(1);

        DateTimeOffset now = f.Clock.GetUtcNow();
        ActionCatalogBuilder catalog = ActionCatalog.CreateBuilder();
        if (scenario.Exemption != Exemption.None)
        {
            catalog.Add("action", FailMode.Open("tolerable", scenario.Exemption == Exemption.InForce ? now.AddDays(1) : now.AddDays(-1)));
        }

        EvidenceFirstExecutor executor = f.Create(catalog.Build());
        var action = new GuardedAction<int>("action", GateFor(scenario.Gate), static n => "n=" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int runs = 0;
        IReadOnlyList<EvidenceRecord>? storedAtStart = null;
        using var cts = new CancellationTokenSource();
        if (scenario.CanceledUpFront)
        {
            cts.Cancel();
        }

        Task<GuardedResult<int>> execution = executor.ExecuteAsync(
            action,
            21,
            scenario.SideEffect,
            async (c, outcome, _) =>
            {
                Interlocked.Increment(ref runs);
                storedAtStart = f.Sink.Records;
                if (outcome == SideEffectOutcome.ReturnsAsync)
                {
                    await Task.Yield();
                }

                return outcome == SideEffectOutcome.Throws ? throw new SideEffectFailedException() : c * 2;
            },
            cts.Token).AsTask();

        GuardedResult<int>? result = null;
        Exception? thrown = null;
        try
        {
            result = ClockDriver.DriveAsync(execution, f.Sink, f.Clock, ExecutorFixture.Timeout).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            thrown = exception;
        }

        // The law.
        bool allowed = scenario.Gate is GateOutcome.Allow or GateOutcome.AllowAsync;
        bool indeterminate = scenario.Gate is GateOutcome.Indeterminate or GateOutcome.Throws;
        bool intentAcknowledged = scenario.Sink is SinkScript.Ok or SinkScript.Yielding or SinkScript.SlowWithinDeadline or SinkScript.FailOnlyOutcome;
        bool exempt = scenario.Exemption == Exemption.InForce;
        bool shouldRun = !scenario.CanceledUpFront
            && ((allowed && intentAcknowledged) || (exempt && (indeterminate || (allowed && !intentAcknowledged))));

        Assert.True(runs == (shouldRun ? 1 : 0), $"The side effect ran {runs} times; expected {(shouldRun ? 1 : 0)}.");
        if (shouldRun && scenario.SideEffect == SideEffectOutcome.Throws)
        {
            Assert.IsType<SideEffectFailedException>(thrown);
        }
        else
        {
            Assert.Null(thrown);
            Assert.Equal(shouldRun, result!.Value.Executed);
            Assert.Equal(shouldRun && !(allowed && intentAcknowledged), result.Value.IsFailOpen);
            if (shouldRun)
            {
                Assert.Equal(42, result.Value.Value);
            }
            else
            {
                Assert.Equal(ExpectedBlockCode(scenario, allowed), result.Value.Decision.Code);
            }
        }

        // An acknowledged announcement was in the evidence before the side effect started.
        if (shouldRun && intentAcknowledged)
        {
            Assert.Contains(storedAtStart!, static r => r.Kind is EvidenceKind.Intent or EvidenceKind.FailOpen);
        }

        // The evidence never holds an Outcome without an earlier Intent (or FailOpen) of the same execution.
        IReadOnlyList<EvidenceRecord> records = f.Sink.Records;
        for (int i = 0; i < records.Count; i++)
        {
            if (records[i].Kind == EvidenceKind.Outcome)
            {
                Assert.True(shouldRun, "An Outcome was recorded for a side effect that did not run.");
                bool announced = false;
                for (int j = 0; j < i; j++)
                {
                    announced |= records[j].Kind is EvidenceKind.Intent or EvidenceKind.FailOpen
                        && records[j].ExecutionId == records[i].ExecutionId;
                }

                Assert.True(announced, "An Outcome was recorded without an earlier Intent or FailOpen record.");
            }
        }

        Assert.True(records.Count(static r => r.Kind == EvidenceKind.Outcome) <= 1, "More than one Outcome was recorded.");
        Assert.Single(records.Select(static r => r.ExecutionId).Distinct().DefaultIfEmpty(string.Empty));
        return true;
    }

    private static string ExpectedBlockCode(Scenario scenario, bool allowed) =>
        scenario.CanceledUpFront ? GateCodes.Canceled
        : scenario.Gate switch
        {
            GateOutcome.Deny => GateCodes.Denied,
            GateOutcome.Indeterminate => GateCodes.Timeout,
            GateOutcome.Throws => GateCodes.Fault,
            _ when allowed => GateCodes.EvidenceUnavailable,
            _ => throw new InvalidOperationException(),
        };

    private static Gate<int> GateFor(GateOutcome outcome) => outcome switch
    {
        GateOutcome.Allow => Gate.Allow<int>("gate"),
        GateOutcome.AllowAsync => Gate.Require<int>("gate", static async (_, _) =>
        {
            await Task.Yield();
            return true;
        }),
        GateOutcome.Deny => Gate.Deny<int>("gate"),
        GateOutcome.Indeterminate => Gate.From<int>("gate", static _ => GateDecision.Indeterminate("gate", GateCodes.Timeout)),
        GateOutcome.Throws => Gate.Require<int>("gate", static _ => throw new InvalidOperationException()),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public sealed record Scenario(GateOutcome Gate, SinkScript Sink, SideEffectOutcome SideEffect, Exemption Exemption, bool CanceledUpFront);

    private static class Arbitraries
    {
        public static Arbitrary<Scenario> Scenario() =>
            (from gate in Gen.Elements(Enum.GetValues<GateOutcome>())
             from sink in Gen.Elements(Enum.GetValues<SinkScript>())
             from sideEffect in Gen.Elements(Enum.GetValues<SideEffectOutcome>())
             from exemption in Gen.Elements(Enum.GetValues<Exemption>())
             from canceled in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
             select new Scenario(gate, sink, sideEffect, exemption, canceled))
            .ToArbitrary();
    }

    private sealed class SideEffectFailedException : Exception
    {
        public SideEffectFailedException()
            : base("The side effect failed.")
        {
        }
    }
}

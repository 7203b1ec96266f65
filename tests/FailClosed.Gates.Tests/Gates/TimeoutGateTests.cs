using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Gates;

public sealed class TimeoutGateTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Timeout_NonPositive_Throws(int milliseconds)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Gate.Allow<int>("g").WithTimeout(TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Contains("greater than zero", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeout_Infinite_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gate.Timeout(Gate.Allow<int>("g"), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Timeout_LongerThanATimerSupports_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gate.Timeout(Gate.Allow<int>("g"), Gate.MaxTimeout + TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void Timeout_NoAnswerInTime_IsIndeterminateTimeout()
    {
        var time = new ManualTimeProvider();
        var slow = new ManualGate<int>("slow");
        Gate<int> gate = slow.WithTimeout(TimeSpan.FromSeconds(2), time);

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = gate.EvaluateAsync(0).AsTask();
            time.Advance(TimeSpan.FromMilliseconds(1999));
            Assert.False(evaluation.IsCompleted);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(evaluation.IsCompleted);
            return evaluation.Result;
        });

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Timeout, decision.Code);
        Assert.Equal("timeout(slow)", decision.Gate);
    }

    [Fact]
    public void Timeout_AnswerInTime_PassesThrough()
    {
        var time = new ManualTimeProvider();
        var slow = new ManualGate<int>("slow");
        Gate<int> gate = slow.WithTimeout(TimeSpan.FromSeconds(2), time);

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = gate.EvaluateAsync(0).AsTask();
            time.Advance(TimeSpan.FromSeconds(1));
            slow.Answer(GateDecision.Allow("slow"));
            return evaluation.Result;
        });

        Assert.True(decision.IsAllowed);
        Assert.Equal(0, time.LiveTimers);
    }

    [Fact]
    public void Timeout_AllowArrivingAfterDeadline_IsTimeout()
    {
        var time = new ManualTimeProvider();
        Gate<int> gate = Gate.Require<int>("slow-yes", _ =>
        {
            time.Advance(TimeSpan.FromSeconds(3));
            return true;
        }).WithTimeout(TimeSpan.FromSeconds(2), time);

        Assert.Equal(GateCodes.Timeout, gate.Decide(0).Code);
    }

    [Fact]
    public void Timeout_DenyArrivingAfterDeadline_StaysDeny()
    {
        // Regression: a late "no" became Indeterminate(Timeout), which a fail-open exemption may run despite.
        var time = new ManualTimeProvider();
        Gate<int> gate = Gate.Require<int>("slow-no", _ =>
        {
            time.Advance(TimeSpan.FromSeconds(3));
            return false;
        }).WithTimeout(TimeSpan.FromSeconds(2), time);

        GateDecision decision = gate.Decide(0);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal("slow-no", decision.Gate);
    }

    [Fact]
    public void Timeout_CallerCancels_IsCanceledNotTimeout()
    {
        var time = new ManualTimeProvider();
        Gate<int> gate = new ManualGate<int>("slow").WithTimeout(TimeSpan.FromSeconds(2), time);
        using var cts = new CancellationTokenSource();

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> evaluation = gate.EvaluateAsync(0, cts.Token).AsTask();
            cts.Cancel();
            return evaluation.Result;
        });

        Assert.Equal(GateCodes.Canceled, decision.Code);
    }

    [Fact]
    public void Timeout_SynchronousChild_DisposesEveryTimer()
    {
        var time = new ManualTimeProvider();
        Gate<int> gate = Gate.Require<int>("fast", _ => true).WithTimeout(TimeSpan.FromSeconds(1), time);

        for (int i = 0; i < 100_000; i++)
        {
            Assert.True(gate.Decide(i).IsAllowed);
        }

        Assert.Equal(100_000, time.TimersCreated);
        Assert.Equal(0, time.LiveTimers);
    }

    [Fact]
    public void Timeout_AsynchronousChild_DisposesEveryTimer()
    {
        var time = new ManualTimeProvider();
        var answers = new Queue<TaskCompletionSource<bool>>();
        Gate<int> child = Gate.Require<int>("async", (_, _) =>
        {
            var answer = new TaskCompletionSource<bool>();
            answers.Enqueue(answer);
            return new ValueTask<bool>(answer.Task);
        });
        Gate<int> gate = child.WithTimeout(TimeSpan.FromSeconds(1), time);

        NoContext.Run(() =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                Task<GateDecision> evaluation = gate.EvaluateAsync(i).AsTask();
                if (i % 2 == 0)
                {
                    answers.Dequeue().SetResult(true);
                }
                else
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    answers.Dequeue().SetResult(true); // the late answer of the abandoned evaluation
                }

                Assert.Equal(i % 2 == 0 ? GateCodes.Allowed : GateCodes.Timeout, evaluation.Result.Code);
            }

            return 0;
        });

        Assert.Equal(0, time.LiveTimers);
    }
}

using FailClosed.Gates.Tests.TestUtilities;
using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Gates;

/// <summary>
/// The bounded retry's laws: it retries only Indeterminate answers, within one total deadline, never turns a Deny into
/// anything else, and allows only if an attempt allowed in time.
/// </summary>
public sealed class RetryGateTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    [Fact]
    public void Retry_AnyScript_MatchesModel()
    {
        Gen<Attempt> attempt =
            from verdict in Gen.Elements(Verdict.Allow, Verdict.Deny, Verdict.Indeterminate, Verdict.Indeterminate)
            from seconds in Gen.Choose(0, 6)
            select new Attempt(verdict, TimeSpan.FromSeconds(seconds));
        Gen<(Attempt[] Script, int MaxAttempts)> cases =
            from script in Gen.ListOf(attempt).Select(l => l.ToArray())
            from max in Gen.Choose(1, 5)
            select (script, max);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(1_000).WithQuietOnSuccess(true),
            Prop.ForAll(Arb.From(cases), c => Run(c.Script, c.MaxAttempts)));
    }

    [Fact]
    public void Retry_DelayBetweenAttempts_WaitsOnTheClockAndRetries()
    {
        var time = new ManualTimeProvider();
        int calls = 0;
        Gate<int> flaky = Gate.From<int>("flaky", _ => ++calls < 3 ? GateDecision.Indeterminate("flaky", GateCodes.Timeout) : GateDecision.Allow("flaky"));
        Gate<int> gate = Gate.Retry(flaky, maxAttempts: 3, Budget, delay: TimeSpan.FromSeconds(1), time);

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> pending = gate.EvaluateAsync(0).AsTask();
            Assert.Equal(1, calls);
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(2, calls);
            Assert.False(pending.IsCompleted);
            time.Advance(TimeSpan.FromSeconds(1));
            return pending.GetAwaiter().GetResult();
        });

        Assert.True(decision.IsAllowed);
        Assert.Equal(3, calls);
    }

    [Fact]
    public void Retry_BudgetEndsDuringDelay_IsTimeout()
    {
        var time = new ManualTimeProvider();
        Gate<int> down = Gate.From<int>("down", _ => GateDecision.Indeterminate("down", GateCodes.Fault));
        Gate<int> gate = Gate.Retry(down, maxAttempts: 100, TimeSpan.FromSeconds(3), delay: TimeSpan.FromSeconds(2), time);

        GateDecision decision = NoContext.Run(() =>
        {
            Task<GateDecision> pending = gate.EvaluateAsync(0).AsTask();
            time.Advance(TimeSpan.FromSeconds(2));
            time.Advance(TimeSpan.FromSeconds(1));
            return pending.GetAwaiter().GetResult();
        });

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.Timeout, decision.Code);
        Assert.Equal("retry(down)", decision.Gate);
    }

    [Fact]
    public async Task Retry_CallerCancels_DoesNotRetry()
    {
        int calls = 0;
        using var cts = new CancellationTokenSource();
        Gate<int> gate = Gate.Retry(
            Gate.From<int>("g", _ =>
            {
                calls++;
                cts.Cancel();
                return GateDecision.Indeterminate("g", GateCodes.Fault);
            }),
            maxAttempts: 5,
            Budget,
            timeProvider: new ManualTimeProvider());

        GateDecision decision = await gate.EvaluateAsync(0, cts.Token);

        Assert.Equal(1, calls);
        Assert.Equal(GateCodes.Canceled, decision.Code);
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(1, 0, 0)]
    [InlineData(1, 1, 1)]
    [InlineData(1, 1, -1)]
    public void Retry_OutOfRangeArguments_Throw(int attempts, int budgetSeconds, int delaySeconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gate.Retry(Gate.Allow<int>("g"), attempts, TimeSpan.FromSeconds(budgetSeconds), TimeSpan.FromSeconds(delaySeconds)));
    }

    private static bool Run(Attempt[] script, int maxAttempts)
    {
        var time = new ManualTimeProvider();
        DateTimeOffset start = time.GetUtcNow();
        int calls = 0;
        Gate<int> inner = Gate.From<int>("inner", _ =>
        {
            Attempt a = calls < script.Length ? script[calls] : new Attempt(Verdict.Indeterminate, TimeSpan.Zero);
            calls++;
            time.Advance(a.Takes); // the answer arrives after this long
            return a.Verdict switch
            {
                Verdict.Allow => GateDecision.Allow("inner"),
                Verdict.Deny => GateDecision.Deny("inner", "no"),
                _ => GateDecision.Indeterminate("inner", GateCodes.Fault),
            };
        });

        GateDecision decision = NoContext.Run(() => Gate.Retry(inner, maxAttempts, Budget, TimeSpan.Zero, time).EvaluateAsync(0).AsTask().GetAwaiter().GetResult());

        // The model: attempts in order; an answer arriving at or after the budget cannot allow (a deny still denies).
        TimeSpan elapsed = TimeSpan.Zero;
        int expectedCalls = 0;
        Verdict expected = Verdict.Indeterminate;
        string? expectedCode = GateCodes.Fault;
        for (int i = 0; i < maxAttempts; i++)
        {
            Attempt a = i < script.Length ? script[i] : new Attempt(Verdict.Indeterminate, TimeSpan.Zero);
            expectedCalls++;
            elapsed += a.Takes;
            bool late = elapsed >= Budget;
            if (a.Verdict == Verdict.Deny)
            {
                expected = Verdict.Deny;
                expectedCode = GateCodes.Denied;
                break;
            }

            if (late)
            {
                expected = Verdict.Indeterminate;
                expectedCode = GateCodes.Timeout;
                break;
            }

            if (a.Verdict == Verdict.Allow)
            {
                expected = Verdict.Allow;
                expectedCode = GateCodes.Allowed;
                break;
            }
        }

        bool allowsOnlyIfAnAttemptAllowed = !decision.IsAllowed || script.Take(calls).Any(a => a.Verdict == Verdict.Allow);
        bool denyKept = !script.Take(calls).Any(a => a.Verdict == Verdict.Deny) || decision.Verdict == Verdict.Deny;
        return decision.Verdict == expected
            && decision.Code == expectedCode
            && calls == expectedCalls
            && calls <= maxAttempts
            && allowsOnlyIfAnAttemptAllowed
            && denyKept
            && (!decision.IsAllowed || time.GetUtcNow() - start < Budget);
    }

    private readonly record struct Attempt(Verdict Verdict, TimeSpan Takes);
}

using System.Threading.Tasks.Sources;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Gates;

/// <summary>
/// The pending path of EvaluateAsync reuses the objects behind its ValueTask: an answer that arrives late, a result read
/// twice, a caller that blocks, and many evaluations at once must never see another evaluation's decision.
/// </summary>
public sealed class PendingEvaluationTests
{
    [Fact]
    public void EvaluateAsync_AnswerArrivesAfterCancellationAndReuse_DoesNotReachTheNextEvaluation()
    {
        var first = new TaskCompletionSource<bool>();
        var second = new TaskCompletionSource<bool>();
        TaskCompletionSource<bool> next = first;
        Gate<int> gate = Gate.All(
            Gate.Require<int>("sync", static x => x >= 0),
            Gate.Require<int>("ignores-token", (_, _) => new ValueTask<bool>(next.Task)));
        using var cts = new CancellationTokenSource();

        (GateDecision canceled, GateDecision denied, bool secondPendingAfterLateAllow) = NoContext.Run(() =>
        {
            ValueTask<GateDecision> firstEvaluation = gate.EvaluateAsync(1, cts.Token);
            cts.Cancel();
            GateDecision canceled = firstEvaluation.Result; // prompt: the leaf has not answered

            next = second;
            ValueTask<GateDecision> secondEvaluation = gate.EvaluateAsync(2, CancellationToken.None);
            first.SetResult(true); // the first leaf's late allow
            bool pending = !secondEvaluation.IsCompleted;
            second.SetResult(false);
            return (canceled, secondEvaluation.Result, pending);
        });

        Assert.Equal(GateCodes.Canceled, canceled.Code);
        Assert.Equal(gate.Name, canceled.Gate);
        Assert.IsAssignableFrom<OperationCanceledException>(canceled.Exception);
        Assert.True(secondPendingAfterLateAllow, "A late answer to a canceled evaluation must not complete another one.");
        Assert.Equal(Verdict.Deny, denied.Verdict);
        Assert.Equal("ignores-token", denied.Gate);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EvaluateAsync_PendingAnswerRefusesContinuation_IsFaultNamingGate(bool cancelable)
    {
        var gate = new RefusingGate("refuses");
        using var cts = new CancellationTokenSource();

        ValueTask<GateDecision> evaluation = gate.EvaluateAsync(0, cancelable ? cts.Token : CancellationToken.None);

        Assert.True(evaluation.IsCompleted);
        GateDecision decision = NoContext.Run(() => evaluation.Result);
        Assert.Equal(GateCodes.Fault, decision.Code);
        Assert.Equal("refuses", decision.Gate);
        Assert.IsType<InvalidOperationException>(decision.Exception);
    }

    [Fact]
    public void EvaluateAsync_PendingResultReadTwice_Throws()
    {
        var answer = new TaskCompletionSource<bool>();
        Gate<int> gate = Gate.Require<int>("remote", (_, _) => new ValueTask<bool>(answer.Task));
        using var cts = new CancellationTokenSource();

        ValueTask<GateDecision> evaluation = gate.EvaluateAsync(0, cts.Token);
        answer.SetResult(true);
        GateDecision decision = NoContext.Run(() => evaluation.Result);

        Assert.True(decision.IsAllowed);
        Assert.Throws<InvalidOperationException>(() => NoContext.Run(() => evaluation.Result));
    }

    [Fact]
    public void EvaluateAsync_CallerBlocksOnPendingResult_WaitsForTheDecision()
    {
        var answer = new TaskCompletionSource<bool>();
        Gate<int> gate = Gate.All(
            Gate.Require<int>("sync", static x => x >= 0),
            Gate.Require<int>("remote", (_, _) => new ValueTask<bool>(answer.Task)));
        using var cts = new CancellationTokenSource();
        Thread caller = Thread.CurrentThread;

        ValueTask<GateDecision> evaluation = gate.EvaluateAsync(0, cts.Token);
        var answering = new Thread(() =>
        {
            // Answer only once the caller is blocked in the wait, so the test always takes the blocking path.
            while ((caller.ThreadState & ThreadState.WaitSleepJoin) == 0)
            {
                Thread.Yield();
            }

            answer.SetResult(true);
        });
        answering.Start();
        GateDecision decision = NoContext.Run(() => evaluation.GetAwaiter().GetResult());
        answering.Join();

        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public void EvaluateAsync_AllAndAnyAfterPendingChild_AskTheRestInTheCallersExecutionContext()
    {
        var flowing = new AsyncLocal<string>();
        var seen = new List<string?>();
        var answers = new List<TaskCompletionSource<bool>>();
        Gate<int> Remote(string name) => Gate.Require<int>(name, (_, _) =>
        {
            var answer = new TaskCompletionSource<bool>();
            answers.Add(answer);
            return new ValueTask<bool>(answer.Task);
        });
        Gate<int> Sees(string name) => Gate.Require<int>(name, _ =>
        {
            seen.Add(flowing.Value);
            return true;
        });
        Gate<int> all = Gate.All(Remote("all-remote"), Sees("all-next"));
        Gate<int> any = Gate.Any(Remote("any-remote"), Sees("any-next"));

        flowing.Value = "caller";
        ValueTask<GateDecision> allEvaluation = all.EvaluateAsync(0);
        ValueTask<GateDecision> anyEvaluation = any.EvaluateAsync(0);
        Thread answering;
        using (ExecutionContext.SuppressFlow())
        {
            // The answers come from a thread that has none of the caller's context, as an I/O completion does.
            answering = new Thread(() =>
            {
                answers[0].SetResult(true);
                answers[1].SetResult(false);
            });
            answering.Start();
        }

        answering.Join();

        Assert.True(allEvaluation.IsCompleted && anyEvaluation.IsCompleted);
        Assert.True(NoContext.Run(() => allEvaluation.Result).IsAllowed);
        Assert.True(NoContext.Run(() => anyEvaluation.Result).IsAllowed);
        Assert.Equal(["caller", "caller"], seen);
    }

    [Fact]
    public async Task EvaluateAsync_ManyConcurrentEvaluationsSomeCanceled_EachGetsItsOwnDecision()
    {
        // Leaves that yield, so evaluations start on one thread and finish on another while others reuse the pooled
        // objects; every fifth request is canceled while its leaf (which ignores its token) is still pending.
        Gate<int> gate = Gate.All(
            Gate.Require<int>("non-negative", static x => x >= 0),
            Gate.Any(
                Gate.Require<int>("multiple-of-3", static async (x, _) =>
                {
                    await Task.Yield();
                    return x % 3 == 0;
                }),
                Gate.Require<int>("even", static async (x, _) =>
                {
                    await Task.Yield();
                    return x % 2 == 0;
                })),
            Gate.Require<int>("below-limit", static async (x, _) =>
            {
                await Task.Yield();
                return x < 900;
            }));

        var evaluations = new Task<(int Context, bool Canceled, GateDecision Decision)>[1_000];
        for (int i = 0; i < evaluations.Length; i++)
        {
            int context = i;
            evaluations[i] = Task.Run(async () =>
            {
                using var cts = new CancellationTokenSource();
                ValueTask<GateDecision> evaluation = gate.EvaluateAsync(context, cts.Token);
                bool cancel = context % 5 == 4;
                if (cancel)
                {
                    cts.Cancel();
                }

                return (context, cancel, await evaluation.ConfigureAwait(false));
            });
        }

        foreach ((int context, bool canceled, GateDecision decision) in await Task.WhenAll(evaluations))
        {
            string expected = context % 3 != 0 && context % 2 != 0 ? "multiple-of-3" : context >= 900 ? "below-limit" : gate.Name;
            if (!canceled || decision.Code != GateCodes.Canceled)
            {
                // A canceled request may still have been answered before the cancellation; either way it is its own answer.
                Assert.True(
                    expected == decision.Gate && (expected == gate.Name) == decision.IsAllowed,
                    $"Evaluation {context} answered {decision.Verdict} by '{decision.Gate}', expected '{expected}'.");
            }
        }
    }

    /// <summary>A gate whose pending answer is an <see cref="IValueTaskSource{TResult}"/> that takes no continuation.</summary>
    private sealed class RefusingGate(string name) : Gate<int>(name), IValueTaskSource<GateDecision>
    {
        public GateDecision GetResult(short token) => throw new InvalidOperationException("Never completes.");

        public ValueTaskSourceStatus GetStatus(short token) => ValueTaskSourceStatus.Pending;

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            throw new InvalidOperationException("Takes no continuation.");

        protected override ValueTask<GateDecision> EvaluateCoreAsync(int context, CancellationToken cancellationToken) => new(this, 0);
    }
}

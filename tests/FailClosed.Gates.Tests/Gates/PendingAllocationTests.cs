namespace FailClosed.Gates.Tests.Gates;

/// <summary>
/// What an evaluation that really goes asynchronous allocates: the shape of GateAsyncBenchmarks (seven synchronous
/// requirements and one asynchronous leaf, a cancelable token), started on one thread and completed on another, as an
/// awaited remote check is. Each evaluation is counted on both threads, so the count is exact.
/// </summary>
/// <remarks>
/// The context type is private to this class: pooled sources are per context type, so tests running in parallel on
/// other types cannot take this test's sources.
/// </remarks>
public sealed class PendingAllocationTests
{
    private const int Evaluations = 2_000;

    [Fact]
    public void EvaluateAsync_AllOf7SyncAnd1PendingLeafWithCancelableToken_AllocatesNothingOnEitherThread()
    {
        var leaf = new PendingLeaf();
        Gate<Request> gate = Shape(Gate.Require<Request>("remote", (_, _) => new ValueTask<bool>(leaf.Answer!.Task)));
        var context = new Request(5);
        using var request = new CancellationTokenSource();
        using var completer = new Completer();

        (long started, long completed) = LeastAllocated(completer, leaf, () => gate.EvaluateAsync(context, request.Token), IsAllowed);

        Assert.Equal(0, started);
        Assert.Equal(0, completed);
    }

    [Fact]
    public void EvaluateAsync_BenchmarkShapeWithAsyncLambdaLeaf_AllocatesNoMoreThanTheLeafItself()
    {
        // The benchmark's leaf: an async lambda that awaits, checks its token and answers. Its own state machine is
        // the only allocation the hand-written code makes besides its own; the gate must add nothing to it.
        var leaf = new PendingLeaf();
        Func<Request, CancellationToken, ValueTask<bool>> remote = async (request, cancellationToken) =>
        {
            bool answer = await leaf.Answer!.Task.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return answer && request.Amount > 0;
        };
        Gate<Request> gate = Shape(Gate.Require("remote", remote));
        var context = new Request(5);
        using var request = new CancellationTokenSource();
        using var completer = new Completer();

        (long leafStarted, long leafCompleted) = LeastAllocated(completer, leaf, () => remote(context, request.Token), static allowed => allowed);
        (long started, long completed) = LeastAllocated(completer, leaf, () => gate.EvaluateAsync(context, request.Token), IsAllowed);

        Assert.True(leafStarted > 0, "The async lambda's state machine should be counted.");
        Assert.Equal(leafStarted, started);
        Assert.Equal(leafCompleted, completed);
    }

    private static Gate<Request> Shape(Gate<Request> remote)
    {
        var gates = new Gate<Request>[8];
        for (int i = 0; i < 7; i++)
        {
            int threshold = -i;
            gates[i] = Gate.Require<Request>($"check-{i}", request => request.Amount > threshold);
        }

        gates[7] = remote;
        return Gate.All(gates);
    }

    private static bool IsAllowed(GateDecision decision) => decision.IsAllowed;

    /// <summary>
    /// The fewest bytes one batch of evaluations allocated, on the thread that starts them and on the thread that
    /// completes them, in up to ten batches: a one-off allocation while a method is promoted to its next tier (on a
    /// machine loaded by the other test assemblies that comes late, and more than once) does not fail the test; an
    /// allocation per evaluation does. The answers are made before counting.
    /// </summary>
    private static (long Started, long Completed) LeastAllocated<TResult>(
        Completer completer,
        PendingLeaf leaf,
        Func<ValueTask<TResult>> evaluate,
        Func<TResult, bool> allowed)
    {
        Run(completer, leaf, evaluate, allowed, Answers(Evaluations)); // warm up: JIT, tiering, pools, statics
        long leastStarted = long.MaxValue;
        long leastCompleted = long.MaxValue;
        for (int attempt = 0; attempt < 10 && (leastStarted > 0 || leastCompleted > 0); attempt++)
        {
            TaskCompletionSource<bool>[] answers = Answers(Evaluations);
            completer.Allocated = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(completer, leaf, evaluate, allowed, answers);
            leastStarted = Math.Min(leastStarted, GC.GetAllocatedBytesForCurrentThread() - before);
            leastCompleted = Math.Min(leastCompleted, completer.Allocated);
        }

        return (leastStarted, leastCompleted);
    }

    private static void Run<TResult>(
        Completer completer,
        PendingLeaf leaf,
        Func<ValueTask<TResult>> evaluate,
        Func<TResult, bool> allowed,
        TaskCompletionSource<bool>[] answers)
    {
        foreach (TaskCompletionSource<bool> answer in answers)
        {
            leaf.Answer = answer;
            ValueTask<TResult> evaluation = evaluate();
            Assert.False(evaluation.IsCompleted, "The leaf should be pending until the other thread answers.");
            completer.Complete(answer);
            Assert.True(evaluation.IsCompleted, "The answer should have completed the evaluation.");
            Assert.True(allowed(evaluation.Result));
        }
    }

    private static TaskCompletionSource<bool>[] Answers(int count)
    {
        // Continuations run inline on the completing thread, as they do when a remote check's I/O completes.
        var answers = new TaskCompletionSource<bool>[count];
        for (int i = 0; i < count; i++)
        {
            answers[i] = new TaskCompletionSource<bool>(TaskCreationOptions.None);
        }

        return answers;
    }

    private sealed record Request(int Amount);

    private sealed class PendingLeaf
    {
        public TaskCompletionSource<bool>? Answer { get; set; }
    }

    /// <summary>A thread that completes each answer when asked and counts what completing allocates on it.</summary>
    private sealed class Completer : IDisposable
    {
        private readonly Thread _thread;
        private readonly ManualResetEventSlim _go = new();
        private readonly ManualResetEventSlim _done = new();
        private TaskCompletionSource<bool>? _next;

        public Completer()
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "completer" };
            _thread.Start();
        }

        public long Allocated { get; set; }

        public void Complete(TaskCompletionSource<bool> answer)
        {
            _next = answer;
            _go.Set();
            _done.Wait();
            _done.Reset();
        }

        public void Dispose()
        {
            _next = null;
            _go.Set();
            _thread.Join();
            _go.Dispose();
            _done.Dispose();
        }

        private void Loop()
        {
            while (true)
            {
                _go.Wait();
                _go.Reset();
                if (_next is not { } answer)
                {
                    return;
                }

                long before = GC.GetAllocatedBytesForCurrentThread();
                answer.SetResult(true);
                Allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                _done.Set();
            }
        }
    }
}

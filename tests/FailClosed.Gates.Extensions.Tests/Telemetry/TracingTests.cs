using System.Diagnostics;
using FailClosed.Gates.Extensions.Tests.TestUtilities;

namespace FailClosed.Gates.Extensions.Tests.Telemetry;

[Collection(GlobalListenersCollection.Name)]
public sealed class TracingTests : IDisposable
{
    private readonly List<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "FailClosed.Gates",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_stopped)
                {
                    _stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task ExecuteAsync_Allowed_OneSpanWithAChildPerStage()
    {
        await using GatesHost host = await GatesHost.StartAsync();
        string action = "trace.allowed." + Guid.NewGuid().ToString("N");

        GuardedResult<int> result = await host.Executor.ExecuteAsync(new GuardedAction<int>(action, Gate.Allow<int>("allow")), 1, static (n, _) => ValueTask.FromResult(n));

        Activity root = Assert.Single(Spans(action), static a => a.OperationName == "failclosed.gates.execute");
        Assert.Equal(result.ExecutionId, root.GetTagItem("failclosed.gates.execution_id"));
        Assert.Equal("allow", root.GetTagItem("failclosed.gates.verdict"));
        Assert.Equal("allowed", root.GetTagItem("failclosed.gates.code"));
        Assert.Equal(ActivityStatusCode.Unset, root.Status);
        Activity[] children = [.. Spans(action).Where(a => a.ParentSpanId == root.SpanId)];
        Assert.Equal(["append intent", "append outcome", "evaluate", "side effect"], children.Select(static a => a.DisplayName).Order(StringComparer.Ordinal));
        Assert.All(children, c => Assert.Equal(root.TraceId, c.TraceId));
    }

    [Fact]
    public async Task ExecuteAsync_Blocked_SpanStatusIsError()
    {
        await using GatesHost host = await GatesHost.StartAsync();
        string action = "trace.denied." + Guid.NewGuid().ToString("N");

        _ = await host.Executor.ExecuteAsync(new GuardedAction<int>(action, Gate.Deny<int>("limits", "No.")), 1, static (n, _) => ValueTask.FromResult(n));

        Activity root = Assert.Single(Spans(action), static a => a.OperationName == "failclosed.gates.execute");
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Equal("deny", root.GetTagItem("failclosed.gates.verdict"));
        Assert.Equal("denied", root.GetTagItem("failclosed.gates.code"));
        Assert.Equal(false, root.GetTagItem("failclosed.gates.executed"));
        Assert.Equal(["append decision", "evaluate"], Spans(action).Where(a => a.ParentSpanId == root.SpanId).Select(static a => a.DisplayName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_InsideACallerSpan_IsItsChildAndLeavesItCurrent()
    {
        await using GatesHost host = await GatesHost.StartAsync();
        string action = "trace.nested." + Guid.NewGuid().ToString("N");
        using var source = new ActivitySource("FailClosed.Gates.Tests.Caller");
        using var callerListener = new ActivityListener
        {
            ShouldListenTo = static s => s.Name == "FailClosed.Gates.Tests.Caller",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(callerListener);
        using Activity caller = source.StartActivity("caller")!;

        GuardedResult<int> result = await host.Executor.ExecuteAsync(new GuardedAction<int>(action, Gate.Allow<int>("allow")), 1, static (n, _) => ValueTask.FromResult(n));

        Assert.Same(caller, Activity.Current);
        Activity root = Assert.Single(Spans(action), static a => a.OperationName == "failclosed.gates.execute");
        Assert.Equal(caller.SpanId, root.ParentSpanId);
        Assert.Equal(caller.TraceId.ToHexString(), result.TraceId);
    }

    public void Dispose() => _listener.Dispose();

    private List<Activity> Spans(string action)
    {
        lock (_stopped)
        {
            return [.. _stopped.Where(a => Equals(a.GetTagItem("failclosed.gates.action"), action))];
        }
    }
}

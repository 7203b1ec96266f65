
namespace FailClosed.Gates.Tests.Execution;

public sealed class EvidenceFirstExecutorOverloadTests
{
    private readonly ExecutorFixture _f = new();

    [Fact]
    public async Task ExecuteAsync_WithoutState_PassesContextAndReturnsValue()
    {
        GuardedResult<string> result = await _f.Create().ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            7,
            static (c, _) => new ValueTask<string>("ran " + c.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True(result.Executed);
        Assert.Equal("ran 7", result.Value);
    }

    [Fact]
    public async Task ExecuteAsync_WithState_PassesStateToAStaticLambda()
    {
        var calls = new List<(int Context, string State)>();

        GuardedResult<int> result = await _f.Create().ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            7,
            (Calls: calls, Label: "s"),
            static (c, s, _) =>
            {
                s.Calls.Add((c, s.Label));
                return new ValueTask<int>(c + 1);
            });

        Assert.True(result.Executed);
        Assert.Equal(8, result.Value);
        Assert.Equal([(7, "s")], calls);
    }

    [Fact]
    public async Task ExecuteAsync_VoidWithoutState_Runs()
    {
        int runs = 0;

        GuardedResult result = await _f.Create().ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            7,
            (_, _) =>
            {
                runs++;
                return ValueTask.CompletedTask;
            });

        Assert.True(result.Executed);
        Assert.Equal(1, runs);
        Assert.False(result.IsOutcomeUnrecorded);
        Assert.Equal(GateCodes.Allowed, result.Decision.Code);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], _f.Sink.Records.Select(static r => r.Kind));
    }

    [Fact]
    public async Task ExecuteAsync_VoidWithStateAndAsynchronousSideEffect_Runs()
    {
        var seen = new List<int>();

        GuardedResult result = await _f.Create().ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            7,
            seen,
            static async (c, s, _) =>
            {
                await Task.Yield();
                s.Add(c);
            });

        Assert.True(result.Executed);
        Assert.Equal([7], seen);
        Assert.NotNull(result.OutcomeReceipt);
    }

    [Fact]
    public async Task ExecuteAsync_VoidBlocked_CarriesTheDecision()
    {
        GuardedResult result = await _f.Create().ExecuteAsync(
            ExecutorFixture.Action(Gate.Deny<int>("no")),
            7,
            static (_, _) => ValueTask.CompletedTask);

        Assert.True(result.IsBlocked);
        Assert.Equal(GateCodes.Denied, result.Decision.Code);
        Assert.NotNull(result.EvidenceReceipt);
        Assert.True(Guid.TryParse(result.ExecutionId, out _));
        Assert.StartsWith("Blocked by Deny(Denied)", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_VoidSideEffectThrows_Rethrows()
    {
        await Assert.ThrowsAsync<TimeoutException>(async () => _ = await _f.Create().ExecuteAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            7,
            static (_, _) => ValueTask.FromException(new TimeoutException())));

        Assert.Equal("Threw System.TimeoutException", _f.Sink.Records[1].Detail);
    }

    [Fact]
    public async Task ExecuteOrThrowAsync_Allowed_ReturnsTheValue()
    {
        int value = await _f.Create().ExecuteOrThrowAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            7,
            static (c, _) => new ValueTask<int>(c * 3));

        Assert.Equal(21, value);
    }

    [Fact]
    public async Task ExecuteOrThrowAsync_Blocked_ThrowsGateBlockedExceptionWithTheDecision()
    {
        var exception = await Assert.ThrowsAsync<GateBlockedException>(async () => await _f.Create().ExecuteOrThrowAsync(
            ExecutorFixture.Action(Gate.Deny<int>("limit", "over limit")),
            7,
            0,
            static (c, _, _) => new ValueTask<int>(c)));

        Assert.Equal(GateCodes.Denied, exception.Code);
        Assert.Equal("limit", exception.Decision.Gate);
        Assert.Equal("invoice.approve", exception.Action);
        Assert.Equal(_f.Sink.Records[0].ExecutionId, exception.ExecutionId);
        Assert.Contains("'invoice.approve'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("over limit", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteOrThrowAsync_BlockedAfterAsynchronousWork_Throws()
    {
        _f.Sink.Always(SinkBehavior.Yielding);

        await Assert.ThrowsAsync<GateBlockedException>(async () => await _f.Create().ExecuteOrThrowAsync(
            ExecutorFixture.Action(Gate.Deny<int>("limit")),
            7,
            static (c, _) => new ValueTask<int>(c)));
    }

    [Fact]
    public async Task ExecuteOrThrowAsync_VoidBlocked_ThrowsAndDoesNotRun()
    {
        int runs = 0;

        var exception = await Assert.ThrowsAsync<GateBlockedException>(async () => await _f.Create().ExecuteOrThrowAsync(
            ExecutorFixture.Action(Gate.Deny<int>("limit")),
            7,
            (_, _) =>
            {
                runs++;
                return ValueTask.CompletedTask;
            }));

        Assert.Equal(0, runs);
        Assert.Equal(GateCodes.Denied, exception.Code);
    }

    [Fact]
    public async Task ExecuteOrThrowAsync_VoidWithStateAllowed_Runs()
    {
        var seen = new List<int>();

        await _f.Create().ExecuteOrThrowAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            7,
            seen,
            static (c, s, _) =>
            {
                s.Add(c);
                return ValueTask.CompletedTask;
            });

        Assert.Equal([7], seen);
    }

    [Fact]
    public async Task ExecuteOrThrowAsync_IntentOutageWithReviewQueue_CarriesTheTicket()
    {
        _f.Sink.For(EvidenceKind.Intent, SinkBehavior.Throw);
        var queue = new InMemoryReviewQueue();

        var exception = await Assert.ThrowsAsync<GateBlockedException>(async () => await _f.Create(reviewQueue: queue).ExecuteOrThrowAsync(
            ExecutorFixture.Action(Gate.Allow<int>("ok")),
            7,
            static (c, _) => new ValueTask<int>(c)));

        Assert.Equal(GateCodes.EvidenceUnavailable, exception.Code);
        Assert.Same(Assert.Single(queue.Tickets), exception.ReviewTicket);
        Assert.Contains(exception.ReviewTicket!.Id, exception.Message, StringComparison.Ordinal);
    }
}

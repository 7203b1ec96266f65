using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Entitlements;

public sealed class EntitlementFilterTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task FilterAsync_CompleteAnswer_ReturnsEntitledSubsetInRequestOrder()
    {
        var source = ScriptedEntitlementSource.Answering(new EntitlementAnswer(["d3", "d1"], ["d2"]));
        var filter = new EntitlementFilter("docs", source, Limit);

        EntitlementResult result = await filter.FilterAsync("alice", ["d1", "d2", "d3", "d1"]);

        Assert.True(result.IsComplete);
        Assert.Equal(["d1", "d3"], result.Items);
        Assert.Equal(["d1", "d2", "d3"], source.LastAsked);
    }

    [Fact]
    public async Task FilterAsync_OneIdUnanswered_ReturnsNothing()
    {
        var filter = new EntitlementFilter("docs", ScriptedEntitlementSource.Answering(new EntitlementAnswer(["d1"], [])), Limit);

        EntitlementResult result = await filter.FilterAsync("alice", ["d1", "d2"]);

        Assert.Empty(result.Items);
        Assert.Equal(GateCodes.ResultIncomplete, result.Decision.Code);
        Assert.Contains("'d2'", result.Decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterAsync_PartialAnswer_ReturnsNothingEvenForGrantedIds()
    {
        var filter = new EntitlementFilter("docs", ScriptedEntitlementSource.Answering(EntitlementAnswer.Partial(["d1", "d2"])), Limit);

        EntitlementResult result = await filter.FilterAsync("alice", ["d1", "d2"]);

        Assert.Empty(result.Items);
        Assert.Equal(Verdict.Indeterminate, result.Decision.Verdict);
        Assert.Equal(GateCodes.ResultIncomplete, result.Decision.Code);
    }

    [Fact]
    public async Task FilterAsync_ContradictoryAnswer_ReturnsNothing()
    {
        var filter = new EntitlementFilter("docs", ScriptedEntitlementSource.Answering(new EntitlementAnswer(["d1"], ["d1"])), Limit);

        EntitlementResult result = await filter.FilterAsync("alice", ["d1"]);

        Assert.Empty(result.Items);
        Assert.Equal(GateCodes.ResultIncomplete, result.Decision.Code);
    }

    [Fact]
    public async Task FilterAsync_SourceThrows_ReturnsNothing()
    {
        var filter = new EntitlementFilter("docs", new ScriptedEntitlementSource((_, _) => throw new HttpRequestException("down")), Limit);

        EntitlementResult result = await filter.FilterAsync("alice", ["d1"]);

        Assert.Empty(result.Items);
        Assert.Equal(GateCodes.ResultIncomplete, result.Decision.Code);
        Assert.IsType<HttpRequestException>(result.Decision.Exception);
    }

    [Fact]
    public void FilterAsync_SourceNeverAnswers_ReturnsNothingAtTheLimit()
    {
        var time = new ManualTimeProvider();
        var filter = new EntitlementFilter("docs", ScriptedEntitlementSource.Never(), Limit, time);

        EntitlementResult result = NoContext.Run(() =>
        {
            Task<EntitlementResult> pending = filter.FilterAsync("alice", ["d1"]).AsTask();
            time.Advance(Limit - TimeSpan.FromTicks(1));
            Assert.False(pending.IsCompleted);
            time.Advance(TimeSpan.FromTicks(1));
            return pending.GetAwaiter().GetResult();
        });

        Assert.Empty(result.Items);
        Assert.Equal(GateCodes.ResultIncomplete, result.Decision.Code);
        Assert.Contains("did not answer within", result.Decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FilterAsync_CallerCancels_ReturnsNothingCanceled()
    {
        var filter = new EntitlementFilter("docs", ScriptedEntitlementSource.Never(), Limit, new ManualTimeProvider());
        using var cts = new CancellationTokenSource();

        EntitlementResult result = NoContext.Run(() =>
        {
            Task<EntitlementResult> pending = filter.FilterAsync("alice", ["d1"], cts.Token).AsTask();
            cts.Cancel();
            return pending.GetAwaiter().GetResult();
        });

        Assert.Empty(result.Items);
        Assert.Equal(GateCodes.Canceled, result.Decision.Code);
    }

    [Fact]
    public async Task FilterAsync_NothingRequested_AllowsEmptyWithoutAsking()
    {
        var source = ScriptedEntitlementSource.Never();
        var filter = new EntitlementFilter("docs", source, Limit);

        EntitlementResult result = await filter.FilterAsync("alice", []);

        Assert.True(result.IsComplete);
        Assert.Empty(result.Items);
        Assert.Null(source.LastAsked);
    }

    [Fact]
    public void Apply_NoAnswer_ReturnsNothing()
    {
        EntitlementResult result = EntitlementFilter.Apply("docs", ["d1"], null);

        Assert.Empty(result.Items);
        Assert.Equal(GateCodes.ResultIncomplete, result.Decision.Code);
    }

    [Fact]
    public void Constructor_NonPositiveTimeout_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EntitlementFilter("docs", ScriptedEntitlementSource.Never(), TimeSpan.Zero));
    }

    [Fact]
    public void Default_Result_HasNoItems()
    {
        EntitlementResult result = default;

        Assert.False(result.IsComplete);
        Assert.Empty(result.Items);
    }
}

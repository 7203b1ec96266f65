using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Gates;

public sealed class CachedGateTests
{
    private readonly ManualTimeProvider _time = new();
    private GateDecision _next = GateDecision.Allow("source");
    private int _calls;

    [Fact]
    public void Cached_NonPositiveTtl_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gate.Cached(Source(), TimeSpan.Zero, (int x) => x));
    }

    [Fact]
    public void Cached_NonPositiveMaxEntries_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gate.Cached(Source(), TimeSpan.FromSeconds(1), (int x) => x, maxEntries: 0));
    }

    [Fact]
    public void Cached_WithinTtl_ReusesDefiniteVerdict()
    {
        Gate<int> gate = Cached();

        _ = gate.Decide(1);
        _next = GateDecision.Deny("source");
        _time.Advance(TimeSpan.FromSeconds(9));
        GateDecision decision = gate.Decide(1);

        Assert.True(decision.IsAllowed);
        Assert.Equal(1, _calls);
    }

    [Fact]
    public void Cached_AtTtl_AsksAgain()
    {
        Gate<int> gate = Cached();

        _ = gate.Decide(1);
        _next = GateDecision.Deny("source");
        _time.Advance(TimeSpan.FromSeconds(10));
        GateDecision decision = gate.Decide(1);

        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal(2, _calls);
    }

    [Fact]
    public void Cached_ExpiredAndRefreshFails_IsCacheStaleNotOldAnswer()
    {
        Gate<int> gate = Cached();

        _ = gate.Decide(1);
        _next = GateDecision.Indeterminate("source", GateCodes.Timeout);
        _time.Advance(TimeSpan.FromSeconds(11));
        GateDecision decision = gate.Decide(1);

        Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        Assert.Equal(GateCodes.CacheStale, decision.Code);
        Assert.Contains("Timeout", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cached_IndeterminateIsNeverCached()
    {
        Gate<int> gate = Cached();
        _next = GateDecision.Indeterminate("source", GateCodes.Fault);

        _ = gate.Decide(1);
        _next = GateDecision.Allow("source");
        GateDecision decision = gate.Decide(1);

        Assert.True(decision.IsAllowed);
        Assert.Equal(2, _calls);
    }

    [Fact]
    public void Cached_ClockMovesBackwards_TreatsEntryAsStale()
    {
        Gate<int> gate = Cached();

        _ = gate.Decide(1);
        _time.SetUtcNow(_time.GetUtcNow() - TimeSpan.FromSeconds(1));
        _ = gate.Decide(1);

        Assert.Equal(2, _calls);
    }

    [Fact]
    public void Cached_KeysAreSeparate()
    {
        Gate<int> gate = Cached();

        _ = gate.Decide(1);
        _next = GateDecision.Deny("source");

        Assert.Equal(Verdict.Deny, gate.Decide(2).Verdict);
        Assert.True(gate.Decide(1).IsAllowed);
    }

    [Fact]
    public void Cached_Full_StopsCachingNewKeysButStillAnswers()
    {
        Gate<int> gate = Gate.Cached(Source(), TimeSpan.FromSeconds(10), (int x) => x, _time, maxEntries: 2);

        _ = gate.Decide(1);
        _ = gate.Decide(2);
        _ = gate.Decide(3);
        _ = gate.Decide(3);

        Assert.Equal(4, _calls);
        Assert.Equal(2, ((CachedGate<int, int>)gate).Count);
    }

    [Fact]
    public void Cached_Full_DropsExpiredEntriesToMakeRoom()
    {
        Gate<int> gate = Gate.Cached(Source(), TimeSpan.FromSeconds(10), (int x) => x, _time, maxEntries: 1);

        _ = gate.Decide(1);
        _time.Advance(TimeSpan.FromSeconds(10));
        _ = gate.Decide(2);
        _ = gate.Decide(2);

        Assert.Equal(2, _calls);
    }

    [Fact]
    public void Cached_OlderAnswerArrivingLast_DoesNotReplaceNewerOne()
    {
        // Regression: a slow allow, asked before access was revoked, overwrote the newer cached deny.
        GateDecision allow = GateDecision.Allow("source");
        GateDecision deny = GateDecision.Deny("source");
        var slowAllow = new TaskCompletionSource<GateDecision>();
        int calls = 0;
        Gate<int> source = Gate.From<int>("source", (_, _) => ++calls == 1 ? new ValueTask<GateDecision>(slowAllow.Task) : ValueTask.FromResult(deny));
        Gate<int> gate = Gate.Cached(source, TimeSpan.FromSeconds(60), (int x) => x, _time);

        NoContext.Run(() =>
        {
            Task<GateDecision> older = gate.EvaluateAsync(1).AsTask();
            _time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(Verdict.Deny, gate.Decide(1).Verdict);
            slowAllow.SetResult(allow);
            Assert.True(older.IsCompletedSuccessfully);
            return 0;
        });

        Assert.Equal(Verdict.Deny, gate.Decide(1).Verdict);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void Cached_KeySelectorThrows_IsFault()
    {
        Gate<int> gate = Gate.Cached<int, int>(Source(), TimeSpan.FromSeconds(1), _ => throw new KeyNotFoundException(), _time);

        Assert.Equal(GateCodes.Fault, gate.Decide(1).Code);
    }

    private Gate<int> Cached() => Gate.Cached(Source(), TimeSpan.FromSeconds(10), (int x) => x, _time);

    private Gate<int> Source() => Gate.From<int>("source", _ =>
    {
        _calls++;
        return _next;
    });
}

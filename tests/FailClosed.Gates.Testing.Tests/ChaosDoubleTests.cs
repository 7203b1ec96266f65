namespace FailClosed.Gates.Testing.Tests;

/// <summary>The chaos doubles do what they say, and the same seed gives the same chaos.</summary>
public sealed class ChaosDoubleTests
{
    [Fact]
    public void ManualTimeProvider_SetUtcNowBackwards_ReportsEarlierTimeAndKeepsTimersLive()
    {
        var clock = new ManualTimeProvider();
        DateTimeOffset start = clock.GetUtcNow();
        int fired = 0;
        using ITimer timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        clock.SetUtcNow(start - TimeSpan.FromMinutes(5));
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(start, clock.GetUtcNow());
        Assert.Equal(0, fired);
        Assert.Equal(1, clock.LiveTimers);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, fired);
        Assert.Equal(0, clock.ArmedTimers);
    }

    [Fact]
    public void ManualTimeProvider_NegativeAdvance_Throws()
    {
        var clock = new ManualTimeProvider();

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));

        Assert.Contains("SetUtcNow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptedEvidenceSink_FailingEvery3_FaultsThe3rdAnd6thAppends()
    {
        ScriptedEvidenceSink sink = ScriptedEvidenceSink.FailingEvery(3);
        var outcomes = new List<bool>();
        for (int i = 0; i < 6; i++)
        {
            try
            {
                await sink.AppendAsync(Record(i));
                outcomes.Add(true);
            }
            catch (IOException)
            {
                outcomes.Add(false);
            }
        }

        Assert.Equal([true, true, false, true, true, false], outcomes);
        Assert.Equal(4, sink.Acknowledged.Count);
    }

    [Fact]
    public async Task ScriptedEvidenceSink_FailingAfter2_AcknowledgesTwoThenFaults()
    {
        ScriptedEvidenceSink sink = ScriptedEvidenceSink.FailingAfter(2);
        await sink.AppendAsync(Record(0));
        await sink.AppendAsync(Record(1));

        await Assert.ThrowsAsync<IOException>(async () => await sink.AppendAsync(Record(2)));
        Assert.Equal(2, sink.Records.Count);
    }

    [Fact]
    public void ScriptedEvidenceSink_AcknowledgingLate_StoresAtOnceAndAcknowledgesOnlyWhenTheClockGetsThere()
    {
        var clock = new ManualTimeProvider();
        ScriptedEvidenceSink sink = ScriptedEvidenceSink.AcknowledgingLate(clock, TimeSpan.FromSeconds(30));

        ValueTask<EvidenceReceipt> pending = sink.AppendAsync(Record(0));

        Assert.False(pending.IsCompleted);
        Assert.Single(sink.Records);
        Assert.Empty(sink.Acknowledged);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Single(sink.Acknowledged);
    }

    [Fact]
    public async Task ScriptedEvidenceSink_Corrupting_StoresADifferentRecordAndAcknowledgesIt()
    {
        ScriptedEvidenceSink sink = ScriptedEvidenceSink.Corrupting();
        EvidenceRecord record = Record(0);

        await sink.AppendAsync(record);

        Assert.NotEqual(record.Code, sink.Records[0].Code);
        Assert.Equal(record.ExecutionId, sink.Records[0].ExecutionId);
    }

    [Fact]
    public void ScriptedEvidenceSink_ChaosWithTheSameSeed_BehavesTheSame()
    {
        Assert.Equal(ChaosOutcomes(seed: 7), ChaosOutcomes(seed: 7));
        Assert.NotEqual(ChaosOutcomes(seed: 7), ChaosOutcomes(seed: 8));
    }

    [Fact]
    public async Task ChaosPolicySource_FlipBitWithTheSameSeed_FlipsTheSameBit()
    {
        var inner = new InMemoryPolicySource();
        PolicyPin pin = inner.Publish("p", "1", """{"roles":[]}"""u8.ToArray());

        PolicyArtifact? first = await new ChaosPolicySource(inner, PolicySourceFault.FlipBit, seed: 3).TryLoadAsync(pin, default);
        PolicyArtifact? second = await new ChaosPolicySource(inner, PolicySourceFault.FlipBit, seed: 3).TryLoadAsync(pin, default);

        Assert.True(first!.Content.Span.SequenceEqual(second!.Content.Span));
        Assert.False(pin.IsDigestOf(first.Content.Span));
    }

    [Fact]
    public async Task ChaosPolicySource_MissingSlowAndThrowing_BehaveAsNamed()
    {
        var clock = new ManualTimeProvider();
        var inner = new InMemoryPolicySource();
        PolicyPin pin = inner.Publish("p", "1", "{}"u8.ToArray());

        Assert.Null(await new ChaosPolicySource(inner, PolicySourceFault.Missing).TryLoadAsync(pin, default));
        await Assert.ThrowsAsync<IOException>(async () => await new ChaosPolicySource(inner, PolicySourceFault.Throw).TryLoadAsync(pin, default));
        ValueTask<PolicyArtifact?> slow = new ChaosPolicySource(inner, PolicySourceFault.Slow, timeProvider: clock) { SlowBy = TimeSpan.FromSeconds(5) }.TryLoadAsync(pin, default);
        Assert.False(slow.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.NotNull(await slow);
    }

    [Fact]
    public async Task ScriptedGate_LatencyUnderATimeout_TimesOut()
    {
        var clock = new ManualTimeProvider();
        var slow = new ScriptedGate<int>("pdp", clock) { Latency = TimeSpan.FromMilliseconds(500) };
        Gate<int> gate = Gate.Timeout(slow, TimeSpan.FromMilliseconds(250), clock);

        ValueTask<GateDecision> pending = gate.EvaluateAsync(1);
        clock.Advance(TimeSpan.FromMilliseconds(250));

        GateDecision decision = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(GateCodes.Timeout, decision.Code);
        Assert.Equal(0, clock.ArmedTimers);
    }

    [Fact]
    public async Task ScriptedGate_Faults_NeverAllow()
    {
        var clock = new ManualTimeProvider();
        foreach (GateFault fault in new[] { GateFault.Throw, GateFault.FaultedValueTask, GateFault.Indeterminate })
        {
            var gate = new ScriptedGate<int>("pdp", clock) { Fault = fault };

            GateDecision decision = await gate.EvaluateAsync(1);

            Assert.Equal(Verdict.Indeterminate, decision.Verdict);
        }
    }

    [Fact]
    public void EvidenceAssertions_OutcomeBeforeIntent_Throws()
    {
        EvidenceRecord[] records = [Record(0, EvidenceKind.Outcome, "e1"), Record(1, EvidenceKind.Intent, "e1")];

        EvidenceAssertionException error = Assert.Throws<EvidenceAssertionException>(() => EvidenceAssertions.ExecutionInOrder(records, "e1"));

        Assert.Contains("Outcome without an Intent before it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvidenceAssertions_IntentThenOutcomeAmongOthers_ReturnsTheExecutionsRecords()
    {
        EvidenceRecord[] records = [Record(0, EvidenceKind.Intent, "e1"), Record(1, EvidenceKind.Intent, "e2"), Record(2, EvidenceKind.Outcome, "e1")];

        IReadOnlyList<EvidenceRecord> mine = EvidenceAssertions.ExecutionInOrder(records, "e1");

        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], mine.Select(r => r.Kind));
    }

    [Fact]
    public void EvidenceAssertions_SideEffectRanWithoutIntent_Throws()
    {
        Assert.Throws<EvidenceAssertionException>(() => EvidenceAssertions.ExecutionInOrder([Record(0, EvidenceKind.Decision, "e1")], "e1"));
        Assert.Throws<EvidenceAssertionException>(() => EvidenceAssertions.ExecutionInOrder([Record(0, EvidenceKind.Intent, "e2")], "e1"));
    }

    private static string ChaosOutcomes(int seed)
    {
        var clock = new ManualTimeProvider();
        ScriptedEvidenceSink sink = ScriptedEvidenceSink.Chaos(seed, clock);
        var outcomes = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            using var cancel = new CancellationTokenSource();
            Task<EvidenceReceipt> append;
            try
            {
                append = sink.AppendAsync(Record(i), cancel.Token).AsTask();
            }
            catch (IOException)
            {
                outcomes.Add("throw");
                continue;
            }

            cancel.Cancel();
            clock.Advance(TimeSpan.FromHours(2));
            // A yielding append completes on the thread pool; one that hangs ignoring its token never does.
            SpinWait.SpinUntil(() => append.IsCompleted, TimeSpan.FromSeconds(1));
            outcomes.Add(append.Status.ToString());
        }

        return string.Join(",", outcomes) + "|" + string.Join(",", sink.Records.Select(r => r.Code));
    }

    private static EvidenceRecord Record(int sequence, EvidenceKind kind = EvidenceKind.Decision, string execution = "e0") => new()
    {
        Sequence = sequence,
        Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Action = "payments.release",
        Kind = kind,
        Verdict = Verdict.Allow,
        Code = GateCodes.Allowed,
        Gate = "g",
        ExecutionId = execution,
    };
}

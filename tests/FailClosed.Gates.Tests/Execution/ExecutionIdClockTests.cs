
namespace FailClosed.Gates.Tests.Execution;

/// <summary>The execution id comes from the executor's clock, whatever that clock says.</summary>
public sealed class ExecutionIdClockTests
{
    [Fact]
    public async Task ExecuteAsync_ClockBeforeTheUnixEpoch_StillDecidesAndRecordsWithAUuidV7()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(1969, 12, 31, 23, 59, 0, TimeSpan.Zero));
        var sink = new InMemoryEvidenceSink();
        var executor = new EvidenceFirstExecutor(sink, new EvidenceFirstExecutorOptions { TimeProvider = clock });

        GuardedResult<int> result = await executor.ExecuteAsync(
            new GuardedAction<int>("payments.release", Gate.Allow<int>("ok")),
            7,
            static (_, _) => ValueTask.FromResult(42));

        Assert.True(result.Executed);
        Assert.Equal(7, Guid.Parse(result.ExecutionId).Version);
        Assert.All(sink.GetRecords(), record => Assert.Equal(result.ExecutionId, record.ExecutionId));
    }

    [Fact]
    public void New_LatestClock_IsAnRfc9562UuidV7WithTheClocksMilliseconds()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.MaxValue.AddDays(-1));

        string id = ExecutionIds.New(clock);

        Guid guid = Guid.Parse(id);
        byte[] bytes = guid.ToByteArray(bigEndian: true);
        Assert.Equal(7, guid.Version);
        Assert.Equal(0b10, bytes[8] >> 6); // the RFC 9562 variant
        long unixMs = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), unixMs);
        Assert.Equal(id, guid.ToString());
    }

    [Fact]
    public void New_ManyIdsInOneMillisecondOnSeveralThreads_AreDistinct()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 5_000; i++)
            {
                ids.Add(ExecutionIds.New(clock));
            }
        });

        Assert.Equal(20_000, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, static id => Assert.Equal(0b10, Guid.Parse(id).ToByteArray(bigEndian: true)[8] >> 6));
    }
}

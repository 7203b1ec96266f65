
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
}

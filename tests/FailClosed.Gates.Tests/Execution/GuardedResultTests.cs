namespace FailClosed.Gates.Tests.Execution;

public sealed class GuardedResultTests
{
    [Fact]
    public void Default_IsABlockWithUnsetDecision()
    {
        GuardedResult<int> result = default;

        Assert.False(result.Executed);
        Assert.True(result.IsBlocked);
        Assert.Equal(GateCodes.Unset, result.Decision.Code);
        Assert.Equal(string.Empty, result.ExecutionId);
        Assert.Null(result.TraceId);
        Assert.False(result.IsOutcomeUnrecorded);
        Assert.False(result.IsFailOpen);
    }

    [Fact]
    public void Value_WhenBlocked_Throws()
    {
        GuardedResult<int> result = default;

#pragma warning disable FCG0006 // Reading Value of a blocked result is the behaviour under test.
        var exception = Assert.Throws<InvalidOperationException>(() => result.Value);
#pragma warning restore FCG0006

        Assert.Contains("Executed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetValue_WhenBlocked_ReturnsFalse()
    {
        GuardedResult<string> result = default;

        Assert.False(result.TryGetValue(out string? value));
        Assert.Null(value);
    }

    [Fact]
    public void TryGetValue_WhenExecuted_ReturnsTheValue()
    {
        var result = new GuardedResult<string>(true, "v", GateDecision.Allow("g"), "c", null, null, null, null, false);

        Assert.True(result.TryGetValue(out string? value));
        Assert.Equal("v", value);
        Assert.True(result.IsOutcomeUnrecorded);
        Assert.Equal("Executed under Allow(Allowed) by 'g'", result.ToString());
    }

    [Fact]
    public void VoidDefault_IsABlock()
    {
        GuardedResult result = default;

        Assert.True(result.IsBlocked);
        Assert.Equal(GateCodes.Unset, result.Decision.Code);
    }
}

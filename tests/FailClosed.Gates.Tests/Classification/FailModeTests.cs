namespace FailClosed.Gates.Tests.Classification;

public sealed class FailModeTests
{
    private static readonly DateTimeOffset ReviewBy = new(2026, 6, 30, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Closed_IsNotOpenAndNeverInForce()
    {
        Assert.False(FailMode.Closed.IsOpen);
        Assert.Null(FailMode.Closed.Justification);
        Assert.Null(FailMode.Closed.ReviewBy);
        Assert.False(FailMode.Closed.IsInForceAt(DateTimeOffset.MinValue));
        Assert.Equal("Closed", FailMode.Closed.ToString());
    }

    [Fact]
    public void Open_IsInForceOnlyBeforeItsReviewDate()
    {
        FailMode open = FailMode.Open("tolerable", ReviewBy);

        Assert.True(open.IsOpen);
        Assert.True(open.IsInForceAt(ReviewBy.AddTicks(-1)));
        Assert.False(open.IsInForceAt(ReviewBy));
        Assert.False(open.IsInForceAt(ReviewBy.AddDays(1)));
    }

    [Fact]
    public void Open_ComparesInstantsNotOffsets()
    {
        FailMode open = FailMode.Open("tolerable", ReviewBy);

        Assert.False(open.IsInForceAt(new DateTimeOffset(2026, 6, 30, 2, 0, 0, TimeSpan.FromHours(2))));
        Assert.True(open.IsInForceAt(new DateTimeOffset(2026, 6, 30, 1, 59, 0, TimeSpan.FromHours(2))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Open_WithoutJustification_Throws(string? justification)
    {
        Assert.ThrowsAny<ArgumentException>(() => FailMode.Open(justification!, ReviewBy));
    }

    [Fact]
    public void Open_WithDefaultOrMaxReviewDate_Throws()
    {
#pragma warning disable FCG0007, FCG0008 // Invalid exemptions are the input under test: Open must reject them.
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => FailMode.Open("x", default));
        Assert.Throws<ArgumentOutOfRangeException>(() => FailMode.Open("x", DateTimeOffset.MaxValue));
#pragma warning restore FCG0007, FCG0008

        Assert.Contains("must expire", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_IsByJustificationAndReviewDate()
    {
        Assert.Equal(FailMode.Open("a", ReviewBy), FailMode.Open("a", ReviewBy));
        Assert.Equal(FailMode.Open("a", ReviewBy).GetHashCode(), FailMode.Open("a", ReviewBy).GetHashCode());
        Assert.NotEqual(FailMode.Open("a", ReviewBy), FailMode.Open("b", ReviewBy));
        Assert.NotEqual(FailMode.Open("a", ReviewBy), FailMode.Closed);
    }

    [Fact]
    public void ToString_NamesTheReviewDateInUtcAndTheJustification()
    {
        FailMode open = FailMode.Open("tolerable", new DateTimeOffset(2026, 6, 30, 2, 0, 0, TimeSpan.FromHours(2)));

        Assert.Equal("Open until 2026-06-30T00:00:00Z: tolerable", open.ToString());
    }
}

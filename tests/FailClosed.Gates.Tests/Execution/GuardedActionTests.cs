namespace FailClosed.Gates.Tests.Execution;

public sealed class GuardedActionTests
{
    [Fact]
    public void Constructor_KeepsNameAndGate()
    {
        Gate<int> gate = Gate.Allow<int>("ok");

        var action = new GuardedAction<int>("invoice.approve", gate);

        Assert.Equal("invoice.approve", action.Name);
        Assert.Same(gate, action.Gate);
        Assert.Equal("invoice.approve", action.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Constructor_BlankName_Throws(string? name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new GuardedAction<int>(name!, Gate.Allow<int>("ok")));
    }

    [Fact]
    public void Constructor_NullGate_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new GuardedAction<int>("a", null!));
    }

    [Fact]
    public void DescribeSubject_UsesTheDescriber()
    {
        var action = new GuardedAction<int>("a", Gate.Allow<int>("ok"), static n => "#" + n.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal("#5", action.DescribeSubject(5));
    }

    [Fact]
    public void DescribeSubject_WithoutDescriber_IsNull()
    {
        var action = new GuardedAction<int>("a", Gate.Allow<int>("ok"));

        Assert.Null(action.DescribeSubject(5));
    }
}

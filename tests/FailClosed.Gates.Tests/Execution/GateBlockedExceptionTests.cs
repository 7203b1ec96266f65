namespace FailClosed.Gates.Tests.Execution;

public sealed class GateBlockedExceptionTests
{
    [Fact]
    public void Constructor_FromDecision_NamesActionAndDecision()
    {
        var fault = new InvalidOperationException("inner");
        GateDecision decision = GateDecision.Indeterminate("screening", GateCodes.Fault, "screening threw", fault);

        var exception = new GateBlockedException("payment.release", decision, "abc");

        Assert.Equal("The action 'payment.release' was blocked: Indeterminate(Fault) by 'screening': screening threw.", exception.Message);
        Assert.Same(fault, exception.InnerException);
        Assert.Equal(GateCodes.Fault, exception.Code);
        Assert.Equal("abc", exception.ExecutionId);
        Assert.Null(exception.TraceId);
        Assert.Null(exception.ReviewTicket);
    }

    [Fact]
    public void Constructor_Default_IsABlockWithUnsetDecision()
    {
        var exception = new GateBlockedException();

        Assert.Equal(GateCodes.Unset, exception.Code);
        Assert.Equal(string.Empty, exception.Action);
    }

    [Fact]
    public void Constructor_NullAction_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new GateBlockedException(null!, GateDecision.Deny("g"), "c"));
    }
}

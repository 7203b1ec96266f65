using Microsoft.AspNetCore.Mvc;

namespace FailClosed.Gates.AspNetCore.Tests;

public sealed class GateProblemDetailsTests
{
    [Fact]
    public void StatusCodeFor_Deny_Is403()
    {
        Assert.Equal(403, GateProblemDetails.StatusCodeFor(GateDecision.Deny("g")));
    }

    [Fact]
    public void StatusCodeFor_IndeterminateAndDefault_Are503()
    {
        Assert.Equal(503, GateProblemDetails.StatusCodeFor(GateDecision.Indeterminate("g", GateCodes.Fault)));
        Assert.Equal(503, GateProblemDetails.StatusCodeFor(default));
    }

    [Fact]
    public void StatusCodeFor_Allow_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => GateProblemDetails.StatusCodeFor(GateDecision.Allow("g")));

        Assert.Contains("only a block has problem details", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GateCodes.EvidenceUnavailable, true)]
    [InlineData(GateCodes.Timeout, true)]
    [InlineData(GateCodes.Fault, false)]
    [InlineData(GateCodes.PolicyMissing, false)]
    [InlineData(GateCodes.Canceled, false)]
    public void IsOutage_Indeterminate_OnlyForEvidenceOutagesAndTimeouts(string code, bool expected)
    {
        Assert.Equal(expected, GateProblemDetails.IsOutage(GateDecision.Indeterminate("g", code)));
    }

    [Fact]
    public void IsOutage_DenyWithAnOutageCode_IsFalse()
    {
        Assert.False(GateProblemDetails.IsOutage(GateDecision.Deny("g", code: GateCodes.Timeout)));
    }

    [Fact]
    public void Create_LeavesTheReasonAndTheExceptionOut()
    {
        var decision = GateDecision.Indeterminate("g", GateCodes.Fault, "reason with a secret", new InvalidOperationException("exception secret"));

        ProblemDetails problem = GateProblemDetails.Create("payments.create", decision, "exec-1", "ticket-1");

        Assert.Equal(503, problem.Status);
        Assert.Equal("urn:failclosed:gates:Fault", problem.Type);
        Assert.Equal(GateCodes.Fault, problem.Extensions["code"]);
        Assert.Equal("g", problem.Extensions["gate"]);
        Assert.Equal("exec-1", problem.Extensions["executionId"]);
        Assert.Equal("ticket-1", problem.Extensions["reviewTicketId"]);
        Assert.DoesNotContain("secret", problem.Title + problem.Detail, StringComparison.Ordinal);
    }
}

using System.Text.Json;

namespace FailClosed.Gates.Tests.Tools;

public sealed class ToolCallTests
{
    private static readonly VerifiedIdentity Agent = new("agent-7", "issuer", DateTimeOffset.MaxValue);

    [Fact]
    public void Constructor_KeyOrder_DoesNotChangeCanonicalFormOrDigest()
    {
        var a = new ToolCall("pay", Args("""{"amount": 10, "to": {"iban": "X", "bank": "B"}}"""), Agent);
        var b = new ToolCall("pay", Args("""{"to": {"bank": "B", "iban": "X"}, "amount": 10}"""), Agent);

        Assert.Equal("""{"amount":10,"to":{"bank":"B","iban":"X"}}""", a.CanonicalArguments);
        Assert.Equal(a.CanonicalArguments, b.CanonicalArguments);
        Assert.Equal(a.ArgumentsDigest, b.ArgumentsDigest);
        Assert.True(a.IsWellFormed);
    }

    [Fact]
    public void Constructor_DifferentValue_ChangesDigest()
    {
        var a = new ToolCall("pay", Args("""{"amount": 10}"""), Agent);
        var b = new ToolCall("pay", Args("""{"amount": 11}"""), Agent);

        Assert.NotEqual(a.ArgumentsDigest, b.ArgumentsDigest);
        Assert.StartsWith("sha256:", a.ArgumentsDigest, StringComparison.Ordinal);
        Assert.Equal(71, a.ArgumentsDigest.Length);
    }

    [Fact]
    public void Constructor_DuplicatedPropertyName_IsMalformed()
    {
        var call = new ToolCall("pay", Args("""{"order": {"amount": 1, "amount": 1000000}}"""), Agent);

        Assert.False(call.IsWellFormed);
        Assert.Contains("'amount' twice", call.MalformedReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_HoldsDigestButNoArgumentValue()
    {
        var call = new ToolCall("pay", Args("""{"iban": "DE89370400440532013000"}"""), Agent, "call-1");

        string description = call.Describe();

        Assert.Equal("tool=pay caller=agent-7 args=" + call.ArgumentsDigest, description);
        Assert.DoesNotContain("DE89", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_CallIdOnly_DiffersNot()
    {
        // The call id is picked by the model per turn; an approval binds tool, caller and arguments, so it must not differ.
        var first = new ToolCall("pay", Args("""{"amount": 10, "to": "X"}"""), Agent, "call-1");
        var reissued = new ToolCall("pay", Args("""{"to": "X", "amount": 10}"""), Agent, "call-9");

        Assert.Equal(first.Describe(), reissued.Describe());
        Assert.Equal("call-9", reissued.CallId);
    }

    [Fact]
    public void Describe_ArgumentOrCaller_Differs()
    {
        var call = new ToolCall("pay", Args("""{"amount": 10}"""), Agent, "call-1");
        var changed = new ToolCall("pay", Args("""{"amount": 10.0}"""), Agent, "call-1");
        var otherCaller = new ToolCall("pay", Args("""{"amount": 10}"""), new VerifiedIdentity("agent-8", "issuer", DateTimeOffset.MaxValue), "call-1");

        Assert.NotEqual(call.Describe(), changed.Describe());
        Assert.NotEqual(call.Describe(), otherCaller.Describe());
    }

    [Theory]
    [InlineData(GateCodes.ReviewNotApproved, "Blocked (ReviewNotApproved): its review ticket is not approved. Do not retry it unchanged.")]
    [InlineData(GateCodes.ReviewMismatch, "Blocked (ReviewMismatch): the call differs from the one its review ticket approved. Do not retry it unchanged.")]
    [InlineData(GateCodes.ReviewConsumed, "Blocked (ReviewConsumed): its approval has already been used; an approval runs once. Do not retry it unchanged.")]
    [InlineData(GateCodes.ReviewExpired, "Blocked (ReviewExpired): its review ticket has expired. Do not retry it unchanged.")]
    public void Describe_BlockTextOfAnApprovedRun_NamesTheReviewCode(string code, string expected)
    {
        Assert.Equal(expected, ToolCallBlock.Describe(GateDecision.Deny("review", "Ticket 't-1' details.", code)));
    }

    [Fact]
    public void Unreadable_IsMalformedWithoutArguments()
    {
        ToolCall call = ToolCall.Unreadable("pay", null, null, "The argument could not be written as JSON.");

        Assert.False(call.IsWellFormed);
        Assert.Empty(call.Arguments);
        Assert.Equal("tool=pay caller=(none) args=" + call.ArgumentsDigest, call.Describe());
    }

    [Fact]
    public void Describe_BlockText_NamesCodeButNeverTheReasonOrException()
    {
        GateDecision decision = GateDecision.Indeterminate("pdp", GateCodes.Fault, "Gate 'pdp' threw System.Net.Http.HttpRequestException: 10.0.0.7 refused.", new HttpRequestException());

        string text = ToolCallBlock.Describe(decision);

        Assert.Equal("Blocked (Fault): a required check failed. Do not retry it unchanged.", text);
    }

    [Fact]
    public void Describe_BlockTextWithTicket_NamesTicket()
    {
        var ticket = new ReviewTicket
        {
            Id = "review-000001",
            Action = "pay",
            ExecutionId = "exec-1",
            Decision = GateDecision.Indeterminate("pdp", GateCodes.Timeout),
            RequestDescription = "{}",
            RequestDigest = "sha256:00",
            CreatedAt = DateTimeOffset.UnixEpoch,
            ExpiresAt = DateTimeOffset.UnixEpoch.AddDays(1),
        };

        string text = ToolCallBlock.Describe(GateDecision.Indeterminate("pdp", GateCodes.Timeout), ticket);

        Assert.Equal("Blocked (Timeout): a required check did not answer in time. It was queued for human review as ticket review-000001; do not retry it meanwhile.", text);
    }

    private static Dictionary<string, JsonElement> Args(string json)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty property in JsonDocument.Parse(json).RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return result;
    }
}

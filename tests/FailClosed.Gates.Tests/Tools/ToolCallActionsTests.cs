using System.Text.Json;

namespace FailClosed.Gates.Tests.Tools;

/// <summary>What an approval of a tool call binds: the tool, the caller and the canonical arguments, not the call id.</summary>
public sealed class ToolCallActionsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly VerifiedIdentity Agent = new("agent-7", "issuer", DateTimeOffset.MaxValue);

    private readonly ManualTimeProvider _time = new(Start);
    private readonly InMemoryReviewQueue _queue = new();
    private readonly EvidenceFirstExecutor _executor;
    private readonly GuardedAction<ToolCall> _action;
    private int _runs;

    public ToolCallActionsTests()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("pay").ReviewWith("pay", ApprovalRule.Require(1, "finance")).Strict().Build();
        _executor = new EvidenceFirstExecutor(new InMemoryEvidenceSink(), new EvidenceFirstExecutorOptions
        {
            Catalog = catalog,
            TimeProvider = _time,
            ReviewQueue = _queue,
            ReviewerDirectory = new InMemoryReviewerDirectory().Grant("fiona", "finance"),
        });
        // A decision point that never answers: every call is escalated, and the approval stands in for it.
        _action = ToolCallActions.Create("pay", Gate.From<ToolCall>("pdp", static _ => GateDecision.Indeterminate("pdp", GateCodes.Timeout)));
    }

    [Fact]
    public async Task ExecuteApprovedAsync_SameArgumentsNewCallId_Runs()
    {
        string ticket = await EscalateAndApproveAsync(new ToolCall("pay", Args("""{"amount":10,"to":"X"}"""), Agent, "call-1"));

        GuardedResult<int> result = await RunAsync(ticket, new ToolCall("pay", Args("""{"to":"X","amount":10}"""), Agent, "call-2"));

        Assert.True(result.Executed);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_ChangedArgument_IsReviewMismatch()
    {
        string ticket = await EscalateAndApproveAsync(new ToolCall("pay", Args("""{"amount":10,"to":"X"}"""), Agent, "call-1"));

        GuardedResult<int> result = await RunAsync(ticket, new ToolCall("pay", Args("""{"amount":11,"to":"X"}"""), Agent, "call-1"));

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.ReviewMismatch, result.Decision.Code);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_OtherCaller_IsReviewMismatch()
    {
        string ticket = await EscalateAndApproveAsync(new ToolCall("pay", Args("""{"amount":10}"""), Agent, "call-1"));
        var other = new VerifiedIdentity("agent-8", "issuer", DateTimeOffset.MaxValue);

        GuardedResult<int> result = await RunAsync(ticket, new ToolCall("pay", Args("""{"amount":10}"""), other, "call-1"));

        Assert.Equal(GateCodes.ReviewMismatch, result.Decision.Code);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task Create_RequestFacts_AreTheToolAndTheArgumentDigest()
    {
        var call = new ToolCall("pay", Args("""{"amount":10}"""), Agent, "call-1");

        GuardedResult<int> escalated = await _executor.ExecuteAsync(_action, call, (_, _) => new ValueTask<int>(++_runs));

        Assert.False(escalated.Executed);
        ReviewTicket ticket = Assert.Single(_queue.Tickets);
        Assert.Equal("agent-7", ticket.Requester);
        Assert.Contains(call.ArgumentsDigest, ticket.RequestDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("call-1", ticket.RequestDescription, StringComparison.Ordinal);
    }

    private async Task<string> EscalateAndApproveAsync(ToolCall call)
    {
        GuardedResult<int> escalated = await _executor.ExecuteAsync(_action, call, (_, _) => new ValueTask<int>(++_runs));
        Assert.NotNull(escalated.ReviewTicket);
        await _executor.ApproveAsync(escalated.ReviewTicket.Id, "fiona");
        return escalated.ReviewTicket.Id;
    }

    private ValueTask<GuardedResult<int>> RunAsync(string ticket, ToolCall call) =>
        _executor.ExecuteApprovedAsync(ticket, _action, call, (_, _) => new ValueTask<int>(++_runs));

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

using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FailClosed.Gates.Mcp.Tests;

/// <summary>
/// A <c>tools/call</c> escalated for review, approved by a person in the executor's queue, then re-issued by the client
/// with the ticket id in its request's <c>_meta</c>, between an in-process MCP client and server.
/// </summary>
public sealed class ApprovedToolCallTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _time = new(Start);
    private readonly InMemoryEvidenceSink _sink = new();
    private readonly InMemoryReviewQueue _queue = new();
    private readonly EvidenceFirstExecutor _executor;
    private ClaimsPrincipal? _user;
    private Verdict _riskPolicy = Verdict.Indeterminate;
    private int _riskChecks;

    public ApprovedToolCallTests()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder()
            .AddClosed("check_vendor_risk")
            .ReviewWith("check_vendor_risk", ApprovalRule.Require(1, "risk-officer").ExpiresAfter(TimeSpan.FromHours(1)))
            .Strict()
            .Build();
        _executor = new EvidenceFirstExecutor(_sink, new EvidenceFirstExecutorOptions
        {
            Catalog = catalog,
            TimeProvider = _time,
            ReviewQueue = _queue,
            ReviewerDirectory = new InMemoryReviewerDirectory().Grant("rita@acme.example", "risk-officer"),
        });
        _user = InProcessMcp.Workload("spiffe://acme/agents/ap-clerk", Start.AddDays(2));
    }

    [Fact]
    public async Task CallTool_EscalatedThenApproved_RunsOnceUnderTheTicket()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await EscalateAsync(mcp, "Globex");
        Assert.Equal(ReviewTicketState.Pending, ticket.State);
        await _executor.ApproveAsync(ticket.Id, "rita@acme.example");

        // A new JSON-RPC request (a new call id), the same tool, caller and arguments, naming the approved ticket.
        CallToolResult result = await CallAsync(mcp, "Globex", ticket.Id);

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("Globex: low risk", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(1, _riskChecks);
        Assert.Equal(ReviewTicketState.Executed, (await _queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task CallTool_ApprovedTicketUsedTwice_SecondIsReviewConsumed()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await ApprovedAsync(mcp, "Globex");
        await CallAsync(mcp, "Globex", ticket.Id);

        CallToolResult second = await CallAsync(mcp, "Globex", ticket.Id);

        Assert.True(second.IsError);
        Assert.StartsWith("Blocked (ReviewConsumed):", InProcessMcp.TextOf(second), StringComparison.Ordinal);
        Assert.Equal(1, _riskChecks);
    }

    [Fact]
    public async Task CallTool_TamperedArguments_IsReviewMismatch()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await ApprovedAsync(mcp, "Globex");

        CallToolResult result = await CallAsync(mcp, "Initech", ticket.Id);

        Assert.True(result.IsError);
        Assert.StartsWith("Blocked (ReviewMismatch):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
        Assert.Equal(ReviewTicketState.Approved, (await _queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task CallTool_AnotherCallerPresentsTheTicket_IsReviewMismatch()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await ApprovedAsync(mcp, "Globex");
        _user = InProcessMcp.Workload("spiffe://acme/agents/intruder", Start.AddDays(2));

        CallToolResult result = await CallAsync(mcp, "Globex", ticket.Id);

        Assert.StartsWith("Blocked (ReviewMismatch):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task CallTool_RejectedTicket_IsReviewNotApproved()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await EscalateAsync(mcp, "Globex");
        await _executor.RejectAsync(ticket.Id, "rita@acme.example");

        CallToolResult result = await CallAsync(mcp, "Globex", ticket.Id);

        Assert.True(result.IsError);
        Assert.StartsWith("Blocked (ReviewNotApproved):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task CallTool_PendingTicket_IsReviewNotApproved()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await EscalateAsync(mcp, "Globex");

        // The client claims the ticket was approved; only the executor's queue can say so.
        CallToolResult result = await CallAsync(mcp, "Globex", ticket.Id);

        Assert.StartsWith("Blocked (ReviewNotApproved):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task CallTool_ExpiredTicket_IsReviewExpired()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await ApprovedAsync(mcp, "Globex");
        _time.Advance(TimeSpan.FromHours(1));

        CallToolResult result = await CallAsync(mcp, "Globex", ticket.Id);

        Assert.StartsWith("Blocked (ReviewExpired):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task CallTool_ApprovedButPolicyNowDenies_StillBlocks()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await ApprovedAsync(mcp, "Globex");
        _riskPolicy = Verdict.Deny;

        CallToolResult result = await CallAsync(mcp, "Globex", ticket.Id);

        Assert.StartsWith("Blocked (Denied):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task CallTool_ApprovedButCallerCredentialExpired_IsIdentityMissing()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await ApprovedAsync(mcp, "Globex");
        _user = InProcessMcp.Workload("spiffe://acme/agents/ap-clerk", Start.AddMinutes(5));
        _time.Advance(TimeSpan.FromMinutes(5));

        CallToolResult result = await CallAsync(mcp, "Globex", ticket.Id);

        // The approval stands in for the decision point that could not answer, never for the caller's credential.
        Assert.StartsWith("Blocked (IdentityMissing):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task CallTool_TicketReferenceNotAString_IsBlocked()
    {
        await using InProcessMcp mcp = await StartAsync(_executor);
        ReviewTicket ticket = await ApprovedAsync(mcp, "Globex");

        CallToolResult result = await mcp.Client.CallToolAsync(
            "check_vendor_risk",
            new Dictionary<string, object?> { ["vendor"] = "Globex" },
            options: new RequestOptions { Meta = new JsonObject { [McpToolGate.ReviewTicketMetaKey] = new JsonArray(ticket.Id) } });

        Assert.True(result.IsError);
        Assert.StartsWith("Blocked (ReviewNotApproved):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task CallTool_TicketButNoReviewQueue_IsABlockNotAProtocolError()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("check_vendor_risk").Strict().Build();
        var executor = new EvidenceFirstExecutor(_sink, new EvidenceFirstExecutorOptions { Catalog = catalog, TimeProvider = _time });
        _riskPolicy = Verdict.Allow;
        await using InProcessMcp mcp = await StartAsync(executor);

        CallToolResult result = await CallAsync(mcp, "Globex", "t-1");

        Assert.True(result.IsError);
        Assert.StartsWith("Blocked (ReviewNotApproved):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    /// <summary>Escalates a call and has the risk officer approve its ticket.</summary>
    private async Task<ReviewTicket> ApprovedAsync(InProcessMcp mcp, string vendor)
    {
        ReviewTicket ticket = await EscalateAsync(mcp, vendor);
        await _executor.ApproveAsync(ticket.Id, "rita@acme.example");
        return ticket;
    }

    private async Task<ReviewTicket> EscalateAsync(InProcessMcp mcp, string vendor)
    {
        CallToolResult result = await CallAsync(mcp, vendor, ticketId: null);
        ReviewTicket ticket = Assert.Single(_queue.Tickets);
        Assert.True(result.IsError);
        Assert.Equal(
            "Blocked (Timeout): a required check did not answer in time. It was queued for human review as ticket " + ticket.Id + "; do not retry it meanwhile.",
            InProcessMcp.TextOf(result));
        Assert.Equal(0, _riskChecks);
        return ticket;
    }

    private static Task<CallToolResult> CallAsync(InProcessMcp mcp, string vendor, string? ticketId) =>
        mcp.Client.CallToolAsync(
            "check_vendor_risk",
            new Dictionary<string, object?> { ["vendor"] = vendor },
            options: ticketId is null ? null : new RequestOptions { Meta = new JsonObject { [McpToolGate.ReviewTicketMetaKey] = ticketId } }).AsTask();

    private Task<InProcessMcp> StartAsync(EvidenceFirstExecutor executor)
    {
        var serverOptions = new McpServerOptions
        {
            ToolCollection = [McpServerTool.Create(AIFunctionFactory.Create((string vendor) => { _riskChecks++; return vendor + ": low risk"; }, "check_vendor_risk"))],
        };
        Gate<ToolCall> riskPolicy = Gate.From<ToolCall>("risk-pdp", _ => _riskPolicy switch
        {
            Verdict.Allow => GateDecision.Allow("risk-pdp"),
            Verdict.Deny => GateDecision.Deny("risk-pdp", "The vendor is on the sanctions list."),
            _ => GateDecision.Indeterminate("risk-pdp", GateCodes.Timeout, "The risk decision point did not answer in 250 ms."),
        });
        serverOptions.AddToolGate(executor, riskPolicy, new McpToolGateOptions { TimeProvider = _time });
        return InProcessMcp.StartAsync(serverOptions, () => _user);
    }
}

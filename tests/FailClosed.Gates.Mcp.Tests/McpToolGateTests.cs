using System.Security.Claims;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FailClosed.Gates.Mcp.Tests;

/// <summary>The call-tool gate between an in-process MCP client and server.</summary>
public sealed class McpToolGateTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _time = new(Start);
    private readonly InMemoryEvidenceSink _sink = new();
    private readonly InMemoryReviewQueue _queue;
    private readonly EvidenceFirstExecutor _executor;
    private ClaimsPrincipal? _user;
    private int _invoicesRead;
    private int _paymentsApproved;
    private int _exports;

    public McpToolGateTests()
    {
        _queue = new InMemoryReviewQueue();
        // A check that cannot answer is escalated to reviewers (one finance approver), bound to the tool and its arguments.
        ActionCatalog catalog = ActionCatalog.CreateBuilder()
            .AddClosed("read_invoice").ReviewWith("read_invoice", ApprovalRule.Require(1, "finance"))
            .AddClosed("approve_payment").ReviewWith("approve_payment", ApprovalRule.Require(1, "finance"))
            .Strict()
            .Build();
        _executor = new EvidenceFirstExecutor(_sink, new EvidenceFirstExecutorOptions { Catalog = catalog, TimeProvider = _time, ReviewQueue = _queue });
        _user = InProcessMcp.Workload("spiffe://acme/agents/ap-clerk", Start.AddMinutes(10));
    }

    private static Gate<ToolCall> Policy { get; } = Gate.From<ToolCall>(
        "tool-policy",
        static call => call.ToolName == "read_invoice" ? GateDecision.Allow("tool-policy") : GateDecision.Deny("tool-policy", "Agents may not approve payments."));

    [Fact]
    public async Task CallTool_Allowed_RunsTheTool()
    {
        await using InProcessMcp mcp = await StartAsync();

        CallToolResult result = await mcp.Client.CallToolAsync("read_invoice", new Dictionary<string, object?> { ["id"] = "INV-1" });

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("invoice INV-1: 120.00 EUR", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(1, _invoicesRead);
    }

    [Fact]
    public async Task CallTool_Denied_IsAnErrorResultWithTheCode()
    {
        await using InProcessMcp mcp = await StartAsync();

        CallToolResult result = await mcp.Client.CallToolAsync("approve_payment", new Dictionary<string, object?> { ["id"] = "INV-1", ["amount"] = 120m });

        Assert.True(result.IsError);
        Assert.Equal("Blocked (Denied): a policy denied this call. Do not retry it unchanged.", InProcessMcp.TextOf(result));
        Assert.Equal(0, _paymentsApproved);
    }

    [Fact]
    public async Task CallTool_ServedButUncatalogued_IsDeniedEvenWithAReadOnlyHint()
    {
        await using InProcessMcp mcp = await StartAsync();

        CallToolResult result = await mcp.Client.CallToolAsync("export_ledger", new Dictionary<string, object?>());

        Assert.True(result.IsError);
        Assert.StartsWith("Blocked (ActionUnclassified):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _exports);
        Assert.Equal(GateCodes.ActionUnclassified, Assert.Single(_sink.GetRecords()).Code);
    }

    [Fact]
    public async Task CallTool_NotServedAtAll_IsAToolResultNotAProtocolError()
    {
        await using InProcessMcp mcp = await StartAsync();

        CallToolResult result = await mcp.Client.CallToolAsync("drop_database", new Dictionary<string, object?>());

        Assert.True(result.IsError);
        Assert.StartsWith("Blocked (ActionUnclassified):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_NameThatCannotGoIntoEvidence_IsBlockedAndRecorded()
    {
        await using InProcessMcp mcp = await StartAsync();

        CallToolResult result = await mcp.Client.CallToolAsync("read_invoice\u0007", new Dictionary<string, object?>());

        Assert.True(result.IsError);
        Assert.StartsWith("Blocked (ActionUnclassified):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal("(invalid tool name)", Assert.Single(_sink.GetRecords()).Action);
        Assert.Equal(0, _invoicesRead);
    }

    [Fact]
    public async Task CallTool_NoUser_IsIdentityMissing()
    {
        _user = null;
        await using InProcessMcp mcp = await StartAsync();

        CallToolResult result = await mcp.Client.CallToolAsync("read_invoice", new Dictionary<string, object?> { ["id"] = "INV-1" });

        Assert.True(result.IsError);
        Assert.StartsWith("Blocked (IdentityMissing):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _invoicesRead);
    }

    [Fact]
    public async Task CallTool_UnauthenticatedUser_IsIdentityMissing()
    {
        _user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "anonymous")]));
        await using InProcessMcp mcp = await StartAsync();

        CallToolResult result = await mcp.Client.CallToolAsync("read_invoice", new Dictionary<string, object?> { ["id"] = "INV-1" });

        Assert.StartsWith("Blocked (IdentityMissing):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_CredentialExpired_IsIdentityMissing()
    {
        await using InProcessMcp mcp = await StartAsync();
        _time.Advance(TimeSpan.FromMinutes(10));

        CallToolResult result = await mcp.Client.CallToolAsync("read_invoice", new Dictionary<string, object?> { ["id"] = "INV-1" });

        Assert.StartsWith("Blocked (IdentityMissing):", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _invoicesRead);
    }

    [Fact]
    public async Task Evidence_HoldsCallerAndArgumentDigestNeverTheArguments()
    {
        await using InProcessMcp mcp = await StartAsync();

        await mcp.Client.CallToolAsync("read_invoice", new Dictionary<string, object?> { ["id"] = "INV-SECRET-77" });
        await mcp.Client.CallToolAsync("approve_payment", new Dictionary<string, object?> { ["id"] = "INV-SECRET-77", ["amount"] = 5m });

        EvidenceRecord[] records = _sink.GetRecords();
        Assert.All(records, r => Assert.DoesNotContain("INV-SECRET-77", r.Subject + r.Detail, StringComparison.Ordinal));
        Assert.Contains(records, r => r.Action == "read_invoice" && r.Kind == EvidenceKind.Outcome
            && r.Subject!.StartsWith("tool=read_invoice caller=spiffe://acme/agents/ap-clerk args=sha256:", StringComparison.Ordinal)
            && !r.Subject.Contains("call=", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Action == "approve_payment" && r.Verdict == Verdict.Deny);
    }

    [Fact]
    public async Task CallTool_Indeterminate_IsQueuedAndTheResultNamesTheTicket()
    {
        var options = new McpToolGateOptions { TimeProvider = _time };
        Gate<ToolCall> undecided = Gate.From<ToolCall>("pdp", static _ => GateDecision.Indeterminate("pdp", GateCodes.Timeout));
        await using InProcessMcp mcp = await StartAsync(undecided, options);

        CallToolResult result = await mcp.Client.CallToolAsync("read_invoice", new Dictionary<string, object?> { ["id"] = "INV-1" });

        ReviewTicket ticket = Assert.Single(_queue.Tickets);
        Assert.True(result.IsError);
        Assert.Contains("ticket " + ticket.Id, InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Equal(0, _invoicesRead);
    }

    [Fact]
    public async Task CallTool_ToolThrows_StaysTheSdkError()
    {
        Gate<ToolCall> allowAll = Gate.Allow<ToolCall>("all");
        await using InProcessMcp mcp = await StartAsync(allowAll, tools: [McpServerTool.Create(AIFunctionFactory.Create(string () => throw new InvalidOperationException("secret detail"), "read_invoice"))]);

        CallToolResult result = await mcp.Client.CallToolAsync("read_invoice", new Dictionary<string, object?>());

        // The tool ran (it was allowed) and failed: that is the SDK's error result, not a block.
        Assert.True(result.IsError);
        Assert.DoesNotContain("Blocked", InProcessMcp.TextOf(result), StringComparison.Ordinal);
        Assert.Contains(_sink.GetRecords(), r => r.Kind == EvidenceKind.Outcome);
    }

    [Fact]
    public void Create_CatalogNotStrict_Throws()
    {
        var lax = new EvidenceFirstExecutor(_sink, new EvidenceFirstExecutorOptions { Catalog = ActionCatalog.CreateBuilder().AddClosed("read_invoice").Build() });

        var exception = Assert.Throws<ArgumentException>(() => McpToolGate.Create(lax, Policy));

        Assert.Contains("not strict", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdentityFromClaims_NoExpiry_IsNoIdentity()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "agent", ClaimValueTypes.String, "issuer")], "Bearer"));

        Assert.Null(McpToolGateOptions.IdentityFromClaims(user));
    }

    [Fact]
    public void IdentityFromClaims_SubjectIssuerAndExpiry_AreRead()
    {
        VerifiedIdentity? identity = McpToolGateOptions.IdentityFromClaims(InProcessMcp.Workload("agent-7", Start.AddHours(1), "https://idp.example"));

        Assert.Equal(new VerifiedIdentity("agent-7", "https://idp.example", Start.AddHours(1)), identity);
    }

    private Task<InProcessMcp> StartAsync(Gate<ToolCall>? gate = null, McpToolGateOptions? options = null, McpServerTool[]? tools = null)
    {
        var serverOptions = new McpServerOptions
        {
            ToolCollection =
            [
                .. tools ??
                [
                    McpServerTool.Create(AIFunctionFactory.Create((string id) => { _invoicesRead++; return "invoice " + id + ": 120.00 EUR"; }, "read_invoice")),
                    McpServerTool.Create(AIFunctionFactory.Create((string id, decimal amount) => { _paymentsApproved++; return "approved"; }, "approve_payment")),
                    McpServerTool.Create(AIFunctionFactory.Create(() => { _exports++; return "ledger"; }, "export_ledger"), new McpServerToolCreateOptions { ReadOnly = true }),
                ],
            ],
        };
        serverOptions.AddToolGate(_executor, gate ?? Policy, options ?? new McpToolGateOptions { TimeProvider = _time });
        return InProcessMcp.StartAsync(serverOptions, () => _user);
    }
}

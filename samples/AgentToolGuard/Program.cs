using System.IO.Pipelines;
using System.Security.Claims;
using FailClosed.Gates;
using FailClosed.Gates.AI;
using FailClosed.Gates.Mcp;
using FailClosed.Gates.Samples.AgentToolGuard;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// An accounts-payable agent runs under a non-human identity and calls tools. Every call goes through the evidence-first
// executor: reading an invoice is allowed, approving a payment is denied, a tool nobody catalogued is blocked, and a
// risk check whose policy decision point does not answer is blocked and queued for a person. The model reads each
// block as the tool's result; nothing is thrown at it. Then the same tools are served over MCP, with the same outcome.
TimeProvider clock = TimeProvider.System;
var evidence = new InMemoryEvidenceSink();
var reviews = new InMemoryReviewQueue();
ActionCatalog catalog = ActionCatalog.CreateBuilder()
    .AddClosed("read_invoice")
    .AddClosed("approve_payment")
    .AddClosed("check_vendor_risk")
    .ReviewWith("check_vendor_risk", ApprovalRule.Require(1, "risk-officer")) // an unanswered check goes to a person
    .Strict() // delete_invoices is served but never catalogued: blocked
    .Build();
var executor = new EvidenceFirstExecutor(evidence, new EvidenceFirstExecutorOptions { Catalog = catalog, ReviewQueue = reviews, TimeProvider = clock });

var agent = new VerifiedIdentity("spiffe://acme.example/agents/ap-clerk", "spiffe://acme.example", clock.GetUtcNow().AddMinutes(15));
var policy = new ToolPolicy(new Dictionary<string, Gate<ToolCall>>(StringComparer.Ordinal)
{
    ["read_invoice"] = Gate.Allow<ToolCall>("invoices-readable"),
    ["approve_payment"] = Gate.Deny<ToolCall>("payments-need-a-person", "An agent may not approve a payment."),
    ["check_vendor_risk"] = Gate.DecisionPoint(
        "risk-pdp",
        new SilentDecisionPoint(),
        new DecisionPointOptions { Timeout = TimeSpan.FromMilliseconds(250), PolicyVersion = "risk-policy-9", TimeProvider = clock }),
});

int sideEffects = 0;
AIFunction[] tools =
[
    AIFunctionFactory.Create((string invoiceId) => { sideEffects++; return $"{invoiceId}: Globex Ltd, 4,200.00 EUR, due 2026-04-01"; }, "read_invoice"),
    AIFunctionFactory.Create((string invoiceId, decimal amount) => { sideEffects++; return $"{invoiceId} approved for {amount}"; }, "approve_payment"),
    AIFunctionFactory.Create((int olderThanDays) => { sideEffects++; return "all invoices deleted"; }, "delete_invoices"),
    AIFunctionFactory.Create((string vendor) => { sideEffects++; return vendor + ": low risk"; }, "check_vendor_risk"),
];

Console.WriteLine($"1. Microsoft.Extensions.AI: the agent {agent.Subject} runs four tool calls through FunctionInvokingChatClient.");
IList<AITool> gated = tools.WithGates(executor, policy, new GatedToolOptions
{
    Caller = _ => agent,
    CallId = _ => FunctionInvokingChatClient.CurrentContext?.CallContent.CallId,
    TimeProvider = clock,
});
using (var client = new FunctionInvokingChatClient(new ScriptedAgent()))
{
    ChatResponse answer = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Process invoice INV-1042.")], new ChatOptions { Tools = gated });
    Console.WriteLine($"  model says : {answer.Text}");
}

Console.WriteLine();
Console.WriteLine("2. The evidence trail: one line per record; the subject holds the argument digest, never the arguments.");
foreach (EvidenceRecord record in evidence.GetRecords())
{
    Console.WriteLine($"  #{record.Sequence} {record.Kind,-8} {record.Action,-18} {record.Verdict,-13} {record.Code,-18} {record.Subject}");
}

Console.WriteLine();
Console.WriteLine("3. The review queue: the risk check whose decision point timed out waits for a person.");
foreach (ReviewTicket ticket in reviews.Tickets)
{
    Console.WriteLine($"  {ticket.Id} {ticket.State}: {ticket.Action} blocked by {ticket.Decision.Gate} with {ticket.Decision.Code}; {ticket.Subject}");
    Console.WriteLine($"    bound to request digest {ticket.RequestDigest}: an approval covers these arguments and nothing else");
}

Console.WriteLine();
Console.WriteLine("4. MCP: the same tools on an in-process MCP server behind the call-tool gate; the caller comes from the request's user.");
var serverOptions = new McpServerOptions { ToolCollection = [.. tools.Select(t => McpServerTool.Create(t))] };
serverOptions.AddToolGate(executor, policy, new McpToolGateOptions { TimeProvider = clock });
ClaimsPrincipal workload = new(new ClaimsIdentity(
    [
        new Claim("sub", agent.Subject, ClaimValueTypes.String, agent.Issuer),
        new Claim("exp", agent.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64, agent.Issuer),
    ],
    authenticationType: "Bearer"));
serverOptions.Filters.Message.IncomingFilters.Add(next => (context, ct) =>
{
    context.User = workload; // what an authenticating transport (HTTP with a bearer token) would set
    return next(context, ct);
});
var clientToServer = new Pipe();
var serverToClient = new Pipe();
await using McpServer server = McpServer.Create(new StreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream(), "ap-tools"), serverOptions);
using var stop = new CancellationTokenSource();
Task serving = server.RunAsync(stop.Token);
await using (McpClient mcp = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream())))
{
    (string Tool, Dictionary<string, object?> Arguments)[] calls =
    [
        ("read_invoice", new() { ["invoiceId"] = "INV-1042" }),
        ("approve_payment", new() { ["invoiceId"] = "INV-1042", ["amount"] = 4200m }),
        ("delete_invoices", new() { ["olderThanDays"] = 0 }),
        ("check_vendor_risk", new() { ["vendor"] = "Globex" }),
    ];
    foreach ((string tool, Dictionary<string, object?> arguments) in calls)
    {
        CallToolResult result = await mcp.CallToolAsync(tool, arguments);
        string text = string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
        Console.WriteLine($"  {tool,-18} IsError={result.IsError == true,-5} {text}");
    }
}

await stop.CancelAsync();
try
{
    await serving;
}
catch (OperationCanceledException)
{
}

Console.WriteLine();
Console.WriteLine($"Tools that actually ran: {sideEffects} (read_invoice, once per route). Review tickets: {reviews.Tickets.Count}.");

// The run proves what it shows: exactly the two reads ran, and each timed-out risk check was queued.
return sideEffects == 2 && reviews.Tickets.Count == 2 ? 0 : 1;

using System.IO.Pipelines;
using System.Security.Claims;
using System.Text.Json.Nodes;
using FailClosed.Gates;
using FailClosed.Gates.AI;
using FailClosed.Gates.Mcp;
using FailClosed.Gates.Samples.AgentToolGuard;
using FailClosed.Gates.Testing;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// An accounts-payable agent runs under a non-human identity and calls tools. Every call goes through the evidence-first
// executor: reading an invoice is allowed, approving a payment is denied, a tool nobody catalogued is blocked, and a
// risk check whose policy decision point does not answer is blocked and queued for a person. The model reads each
// block as the tool's result; nothing is thrown at it. Then the same tools are served over MCP, with the same outcome.
// Finally a risk officer approves the queued checks, and each approved call runs exactly once.
// The clock is a manual one: the run is deterministic, and nobody waits for the decision point's timeout.
var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
var evidence = new InMemoryEvidenceSink();
var reviews = new InMemoryReviewQueue();
ActionCatalog catalog = ActionCatalog.CreateBuilder()
    .AddClosed("read_invoice")
    .AddClosed("approve_payment")
    .AddClosed("check_vendor_risk")
    .ReviewWith("check_vendor_risk", ApprovalRule.Require(1, "risk-officer")) // an unanswered check goes to a person
    .Strict() // delete_invoices is served but never catalogued: blocked
    .Build();
var reviewers = new InMemoryReviewerDirectory().Grant("rita@acme.example", "risk-officer"); // roles come from the host, never the caller
var executor = new EvidenceFirstExecutor(evidence, new EvidenceFirstExecutorOptions
{
    Catalog = catalog,
    ReviewQueue = reviews,
    ReviewerDirectory = reviewers,
    TimeProvider = clock,
});

var agent = new VerifiedIdentity("spiffe://acme.example/agents/ap-clerk", "spiffe://acme.example", clock.GetUtcNow().AddMinutes(15));
var policy = new ToolPolicy(new Dictionary<string, Gate<ToolCall>>(StringComparer.Ordinal)
{
    ["read_invoice"] = Gate.Allow<ToolCall>("invoices-readable"),
    ["approve_payment"] = Gate.Deny<ToolCall>("payments-need-a-person", "An agent may not approve a payment."),
    ["check_vendor_risk"] = Gate.DecisionPoint(
        "risk-pdp",
        new SilentDecisionPoint(clock, hangsFor: TimeSpan.FromMilliseconds(300)),
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

int reviewedFrom = 0;

// The host, not the model, decides which call runs under an approved ticket: the call to the ticket's tool.
var approvedTickets = new Dictionary<string, string>(StringComparer.Ordinal);
async Task ConverseAsync(ScriptedAgent model, string prompt)
{
    using var client = new FunctionInvokingChatClient(model)
    {
        FunctionInvoker = (context, ct) =>
            approvedTickets.TryGetValue(context.Function.Name, out string? ticketId) && context.Function.GetService<GatedAIFunction>() is { } tool
                ? tool.InvokeApprovedAsync(ticketId, context.Arguments, ct)
                : context.Function.InvokeAsync(context.Arguments, ct),
    };
    ChatResponse answer = await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], new ChatOptions { Tools = gated });
    Console.WriteLine($"  model says : {answer.Text}");
}

await ConverseAsync(
    new ScriptedAgent(
        "I read INV-1042; the payment and the risk check need a person.",
        new("call-1", "read_invoice", new Dictionary<string, object?> { ["invoiceId"] = "INV-1042" }),
        new("call-2", "approve_payment", new Dictionary<string, object?> { ["invoiceId"] = "INV-1042", ["amount"] = 4200m }),
        new("call-3", "delete_invoices", new Dictionary<string, object?> { ["olderThanDays"] = 0 }),
        new("call-4", "check_vendor_risk", new Dictionary<string, object?> { ["vendor"] = "Globex" })),
    "Process invoice INV-1042.");
ReviewTicket chatTicket = reviews.Tickets[^1];

Console.WriteLine();
Console.WriteLine("2. The evidence trail: one line per record; the subject holds the argument digest, never the arguments (nor the call id).");
foreach (EvidenceRecord record in evidence.GetRecords())
{
    Console.WriteLine($"  #{record.Sequence} {record.Kind,-10} {record.Action,-18} {record.Verdict,-13} {record.Code,-18} {record.Subject}");
}

Console.WriteLine();
Console.WriteLine("3. The review queue: the risk check whose decision point timed out waits for a person.");
foreach (ReviewTicket ticket in reviews.Tickets)
{
    Console.WriteLine($"  {ticket.Id} {ticket.State}: {ticket.Action} blocked by {ticket.Decision.Gate} with {ticket.Decision.Code}; {ticket.Subject}");
    Console.WriteLine($"    bound to request digest {ticket.RequestDigest}: tool, caller and arguments; an approval covers these and nothing else");
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
    async Task CallAsync(string tool, Dictionary<string, object?> arguments, string? ticketId = null)
    {
        // An approved call names its ticket in the request's _meta; the ticket id is a reference, never an approval.
        RequestOptions? options = ticketId is null ? null : new RequestOptions { Meta = new JsonObject { [McpToolGate.ReviewTicketMetaKey] = ticketId } };
        CallToolResult result = await mcp.CallToolAsync(tool, arguments, options: options);
        string text = string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
        Console.WriteLine($"  {tool,-18} {(ticketId is null ? string.Empty : "ticket " + ticketId + " ")}IsError={result.IsError == true,-5} {text}");
    }

    await CallAsync("read_invoice", new() { ["invoiceId"] = "INV-1042" });
    await CallAsync("approve_payment", new() { ["invoiceId"] = "INV-1042", ["amount"] = 4200m });
    await CallAsync("delete_invoices", new() { ["olderThanDays"] = 0 });
    await CallAsync("check_vendor_risk", new() { ["vendor"] = "Globex" });
    ReviewTicket mcpTicket = reviews.Tickets[^1];

    Console.WriteLine();
    Console.WriteLine("5. A person reviews: the risk officer rita@acme.example called Globex back and approves both queued risk checks.");
    clock.Advance(TimeSpan.FromMinutes(5));
    reviewedFrom = evidence.GetRecords().Length;
    foreach (ReviewTicket ticket in new[] { chatTicket, mcpTicket })
    {
        ReviewTicket approved = await executor.ApproveAsync(ticket.Id, "rita@acme.example", "Called Globex back; risk is low.");
        Console.WriteLine($"  {approved.Id} {approved.State}: approved by {approved.Approvals[0].Reviewer} as {approved.Approvals[0].Role}");
    }

    Console.WriteLine();
    Console.WriteLine("6. Microsoft.Extensions.AI: the model asks again (a new call id, the same arguments); the host runs it under the ticket.");
    approvedTickets["check_vendor_risk"] = chatTicket.Id;
    await ConverseAsync(
        new ScriptedAgent("Globex is low risk.", new FunctionCallContent("call-5", "check_vendor_risk", new Dictionary<string, object?> { ["vendor"] = "Globex" })),
        "The risk check was approved; run it.");
    Console.WriteLine("  The model asks a second time: an approval runs once.");
    await ConverseAsync(
        new ScriptedAgent("The approval was already used.", new FunctionCallContent("call-6", "check_vendor_risk", new Dictionary<string, object?> { ["vendor"] = "Globex" })),
        "Run it again.");

    Console.WriteLine();
    Console.WriteLine("7. MCP: the client re-issues tools/call naming the approved ticket; changed arguments, then the real run, then a second run.");
    await CallAsync("check_vendor_risk", new() { ["vendor"] = "Globex Holdings" }, mcpTicket.Id);
    await CallAsync("check_vendor_risk", new() { ["vendor"] = "Globex" }, mcpTicket.Id);
    await CallAsync("check_vendor_risk", new() { ["vendor"] = "Globex" }, mcpTicket.Id);
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
Console.WriteLine("8. The evidence of the review: each vote, each approved run and each refused run is recorded.");
foreach (EvidenceRecord record in evidence.GetRecords().Skip(reviewedFrom)
    .Where(r => r.Kind is EvidenceKind.Approval or EvidenceKind.Intent || r.Code.StartsWith("Review", StringComparison.Ordinal)))
{
    Console.WriteLine($"  #{record.Sequence} {record.Kind,-8} {record.Code,-17} {record.Detail}");
}

Console.WriteLine();
int executed = reviews.Tickets.Count(t => t.State == ReviewTicketState.Executed);
Console.WriteLine($"Tools that actually ran: {sideEffects} (read_invoice and the approved risk check, once per route). Review tickets: {reviews.Tickets.Count}, run: {executed}.");

// The run proves what it shows: the two reads and the two approved risk checks ran, nothing else, and each
// timed-out risk check was queued, approved and run once.
return sideEffects == 4 && reviews.Tickets.Count == 2 && executed == 2 ? 0 : 1;

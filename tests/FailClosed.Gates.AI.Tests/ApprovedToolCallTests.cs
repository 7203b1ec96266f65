using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FailClosed.Gates.AI.Tests;

/// <summary>
/// A tool call escalated for review, approved by a person in the executor's queue, then run through
/// <see cref="GatedAIFunction.InvokeApprovedAsync"/> from a real <see cref="FunctionInvokingChatClient"/>'s function invoker.
/// </summary>
public sealed class ApprovedToolCallTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _time = new(Start);
    private readonly InMemoryEvidenceSink _sink = new();
    private readonly InMemoryReviewQueue _queue = new();
    private readonly EvidenceFirstExecutor _executor;
    private readonly List<ChatMessage> _history = [new(ChatRole.User, "Check vendor Globex.")];
    private VerifiedIdentity _agent;
    private Verdict _riskPolicy = Verdict.Indeterminate;
    private int _riskChecks;
    private string? _runUnderTicket;

    public ApprovedToolCallTests()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder()
            .AddClosed("check_vendor_risk")
            .ReviewWith("check_vendor_risk", ApprovalRule.Require(1, "risk-officer").ExpiresAfter(TimeSpan.FromHours(1)))
            .Strict()
            .Build();
        var reviewers = new InMemoryReviewerDirectory().Grant("rita@acme.example", "risk-officer");
        _executor = new EvidenceFirstExecutor(_sink, new EvidenceFirstExecutorOptions
        {
            Catalog = catalog,
            TimeProvider = _time,
            ReviewQueue = _queue,
            ReviewerDirectory = reviewers,
        });
        _agent = new VerifiedIdentity("spiffe://acme/agents/ap-clerk", "spiffe://acme", Start.AddDays(2));
    }

    [Fact]
    public async Task Escalated_ThenApproved_RunsOnceUnderTheTicket()
    {
        ReviewTicket ticket = await EscalateAsync("c1", """{"vendor":"Globex"}""");
        Assert.Equal(ReviewTicketState.Pending, ticket.State);
        await _executor.ApproveAsync(ticket.Id, "rita@acme.example", "called Globex back");

        // The model re-issues the same call under a new call id; the host runs it under the approved ticket.
        object? result = await TurnAsync("c2", """{"vendor":"Globex"}""", ticket.Id);

        Assert.Equal("Globex: low risk", result?.ToString());
        Assert.Equal(1, _riskChecks);
        Assert.Equal(ReviewTicketState.Executed, (await _queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ApprovedRun_SecondAttempt_IsReviewConsumed()
    {
        ReviewTicket ticket = await ApprovedAsync("c1", """{"vendor":"Globex"}""");
        await TurnAsync("c2", """{"vendor":"Globex"}""", ticket.Id);

        object? second = await TurnAsync("c3", """{"vendor":"Globex"}""", ticket.Id);

        Assert.Equal("Blocked (ReviewConsumed): its approval has already been used; an approval runs once. Do not retry it unchanged.", second);
        Assert.Equal(1, _riskChecks);
    }

    [Fact]
    public async Task ApprovedRun_ChangedArgument_IsReviewMismatchAndTheTicketStaysApproved()
    {
        ReviewTicket ticket = await ApprovedAsync("c1", """{"vendor":"Globex"}""");

        object? result = await TurnAsync("c2", """{"vendor":"Initech"}""", ticket.Id);

        Assert.Equal("Blocked (ReviewMismatch): the call differs from the one its review ticket approved. Do not retry it unchanged.", result);
        Assert.Equal(0, _riskChecks);
        Assert.Equal(ReviewTicketState.Approved, (await _queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ApprovedRun_SameArgumentsInAnotherOrderAndCallId_Runs()
    {
        ReviewTicket ticket = await ApprovedAsync("c1", """{"vendor":"Globex","region":"EU"}""");

        object? result = await TurnAsync("a-completely-different-id", """{"region":"EU","vendor":"Globex"}""", ticket.Id);

        Assert.Equal("Globex: low risk", result?.ToString());
        Assert.Equal(1, _riskChecks);
    }

    [Fact]
    public async Task ApprovedRun_AnotherCaller_IsReviewMismatch()
    {
        ReviewTicket ticket = await ApprovedAsync("c1", """{"vendor":"Globex"}""");
        _agent = new VerifiedIdentity("spiffe://acme/agents/intruder", "spiffe://acme", Start.AddDays(2));

        object? result = await TurnAsync("c2", """{"vendor":"Globex"}""", ticket.Id);

        Assert.StartsWith("Blocked (ReviewMismatch):", result?.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task ApprovedRun_Rejected_IsReviewNotApproved()
    {
        ReviewTicket ticket = await EscalateAsync("c1", """{"vendor":"Globex"}""");
        await _executor.RejectAsync(ticket.Id, "rita@acme.example", "vendor under investigation");

        object? result = await TurnAsync("c2", """{"vendor":"Globex"}""", ticket.Id);

        Assert.StartsWith("Blocked (ReviewNotApproved):", result?.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task ApprovedRun_StillPending_IsReviewNotApproved()
    {
        ReviewTicket ticket = await EscalateAsync("c1", """{"vendor":"Globex"}""");

        object? result = await TurnAsync("c2", """{"vendor":"Globex"}""", ticket.Id);

        Assert.StartsWith("Blocked (ReviewNotApproved):", result?.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task ApprovedRun_TicketExpired_IsReviewExpired()
    {
        ReviewTicket ticket = await ApprovedAsync("c1", """{"vendor":"Globex"}""");
        _time.Advance(TimeSpan.FromHours(1));

        object? result = await TurnAsync("c2", """{"vendor":"Globex"}""", ticket.Id);

        Assert.Equal("Blocked (ReviewExpired): its review ticket has expired. Do not retry it unchanged.", result);
        Assert.Equal(0, _riskChecks);
        Assert.Equal(ReviewTicketState.Expired, (await _queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ApprovedRun_PolicyNowDenies_StillBlocks()
    {
        ReviewTicket ticket = await ApprovedAsync("c1", """{"vendor":"Globex"}""");
        _riskPolicy = Verdict.Deny;

        object? result = await TurnAsync("c2", """{"vendor":"Globex"}""", ticket.Id);

        Assert.StartsWith("Blocked (Denied):", result?.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task ApprovedRun_CallerCredentialExpired_IsNotCoveredByTheApproval()
    {
        _agent = new VerifiedIdentity("spiffe://acme/agents/ap-clerk", "spiffe://acme", Start.AddMinutes(30));
        ReviewTicket ticket = await ApprovedAsync("c1", """{"vendor":"Globex"}""");
        _time.Advance(TimeSpan.FromMinutes(30));

        object? result = await TurnAsync("c2", """{"vendor":"Globex"}""", ticket.Id);

        // The approval stands in for the decision point that could not answer, never for the caller's identity.
        Assert.StartsWith("Blocked (IdentityMissing):", result?.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, _riskChecks);
        Assert.Equal(ReviewTicketState.Approved, (await _queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ApprovedRun_Evidence_HasTheEscalationSubjectWithoutCallIdAndSaysWhoApproved()
    {
        ReviewTicket ticket = await ApprovedAsync("call-first", """{"vendor":"Globex"}""");

        await TurnAsync("call-second", """{"vendor":"Globex"}""", ticket.Id);

        EvidenceRecord intent = Assert.Single(_sink.GetRecords(), r => r.Kind == EvidenceKind.Intent);
        Assert.Equal(ticket.Subject, intent.Subject);
        Assert.All(_sink.GetRecords(), r => Assert.DoesNotContain("call-", r.Subject, StringComparison.Ordinal));
        Assert.Contains("rita@acme.example", intent.Detail, StringComparison.Ordinal);
        Assert.Contains(_sink.GetRecords(), r => r.Kind == EvidenceKind.Outcome && r.Subject == ticket.Subject);
    }

    [Fact]
    public async Task InvokeApprovedAsync_Blocked_IsReportedToOnBlocked()
    {
        ToolCallBlocked? seen = null;
        GatedAIFunction gated = Gated(blocked => seen = blocked);

        object? result = await gated.InvokeApprovedAsync("no-such-ticket", new AIFunctionArguments { ["vendor"] = "Globex" });

        Assert.NotNull(seen);
        Assert.Equal(GateCodes.ReviewNotApproved, seen.Decision.Code);
        Assert.Equal(seen.ResultText, result);
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task InvokeApprovedAsync_NoReviewQueue_Throws()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("check_vendor_risk").Strict().Build();
        var executor = new EvidenceFirstExecutor(_sink, new EvidenceFirstExecutorOptions { Catalog = catalog, TimeProvider = _time });
        GatedAIFunction gated = RiskTool().WithGate(executor, RiskPolicy(), Options(null));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await gated.InvokeApprovedAsync("t-1", new AIFunctionArguments { ["vendor"] = "Globex" }));
        Assert.Equal(0, _riskChecks);
    }

    [Fact]
    public async Task InvokeApprovedAsync_EmptyTicketId_Throws()
    {
        GatedAIFunction gated = Gated(null);

        await Assert.ThrowsAsync<ArgumentException>(async () => await gated.InvokeApprovedAsync(" ", new AIFunctionArguments()));
    }

    /// <summary>Turn one: the model asks, the decision point does not answer, the call is queued; returns the ticket.</summary>
    /// <summary>Escalates a call and has the risk officer approve its ticket.</summary>
    private async Task<ReviewTicket> ApprovedAsync(string callId, string json)
    {
        ReviewTicket ticket = await EscalateAsync(callId, json);
        await _executor.ApproveAsync(ticket.Id, "rita@acme.example");
        return ticket;
    }

    private async Task<ReviewTicket> EscalateAsync(string callId, string json)
    {
        object? result = await TurnAsync(callId, json, ticketId: null);
        ReviewTicket ticket = Assert.Single(_queue.Tickets);
        Assert.Equal(
            "Blocked (Timeout): a required check did not answer in time. It was queued for human review as ticket " + ticket.Id + "; do not retry it meanwhile.",
            result);
        Assert.Equal(0, _riskChecks);
        return ticket;
    }

    /// <summary>
    /// One turn of the agent: the scripted model asks for one call, the loop runs it (under the ticket when the host
    /// names one), and the result the model reads is returned.
    /// </summary>
    private async Task<object?> TurnAsync(string callId, string json, string? ticketId)
    {
        _runUnderTicket = ticketId;
        var call = new FunctionCallContent(callId, "check_vendor_risk", JsonSerializer.Deserialize<Dictionary<string, object?>>(json));
        var model = new ScriptedChatClient(ScriptedChatClient.Calls(call), ScriptedChatClient.Says("ok"));
        using var client = new FunctionInvokingChatClient(model)
        {
            // The host, not the model, decides that a call runs under an approved ticket.
            FunctionInvoker = (context, ct) => _runUnderTicket is { } ticket && context.Function.GetService<GatedAIFunction>() is { } gated
                ? gated.InvokeApprovedAsync(ticket, context.Arguments, ct)
                : context.Function.InvokeAsync(context.Arguments, ct),
        };
        await client.GetResponseAsync(_history, new ChatOptions { Tools = [Gated(null)] });
        return model.ResultFor(callId);
    }

    private GatedAIFunction Gated(Action<ToolCallBlocked>? onBlocked) => RiskTool().WithGate(_executor, RiskPolicy(), Options(onBlocked));

    private AIFunction RiskTool() => AIFunctionFactory.Create((string vendor, string? region = null) => { _riskChecks++; return vendor + ": low risk"; }, "check_vendor_risk");

    /// <summary>A remote risk decision point: it times out (Indeterminate) until the test says otherwise.</summary>
    private Gate<ToolCall> RiskPolicy() => Gate.From<ToolCall>("risk-pdp", _ => _riskPolicy switch
    {
        Verdict.Allow => GateDecision.Allow("risk-pdp"),
        Verdict.Deny => GateDecision.Deny("risk-pdp", "The vendor is on the sanctions list."),
        _ => GateDecision.Indeterminate("risk-pdp", GateCodes.Timeout, "The risk decision point did not answer in 250 ms."),
    });

    private GatedToolOptions Options(Action<ToolCallBlocked>? onBlocked) => new()
    {
        Caller = _ => _agent,
        CallId = _ => FunctionInvokingChatClient.CurrentContext?.CallContent.CallId,
        OnBlocked = onBlocked,
        TimeProvider = _time,
    };
}

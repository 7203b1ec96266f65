using System.Net;
using System.Net.Http.Json;
using FailClosed.Gates.AspNetCore.Tests.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FailClosed.Gates.AspNetCore.Tests;

public sealed class MinimalApiTests
{
    private const string Secret = "account 4111-1111-1111-1111 is frozen";

    private static readonly Payment Small = new("P-1", 100m);
    private static readonly Payment Large = new("P-2", 5_000m);

    private static readonly Gate<Payment> LimitGate = Gate.Require<Payment>("under-limit", static p => p.Amount <= 1_000m);

    private int _handlerCalls;
    private IReadOnlyList<EvidenceKind>? _seenByHandler;

    private Task<GatedApp> StartAsync(
        Gate<Payment> gate,
        Action<IServiceCollection>? services = null,
        ActionCatalog? catalog = null,
        IReviewQueue? reviewQueue = null,
        Func<Payment, IResult>? handler = null) =>
        GatedApp.StartAsync(
            app => app.MapPost("/payments", (Payment payment) =>
                {
                    Interlocked.Increment(ref _handlerCalls);
                    return handler is null ? Results.Ok(new { payment.Id, status = "sent" }) : handler(payment);
                })
                .WithName("payments.create")
                .RequireGate(gate, static c => c.GetArgument<Payment>(0), static p => "payment " + p.Id),
            services,
            catalog,
            reviewQueue);

    [Fact]
    public async Task RequireGate_Allowed_RunsTheHandlerOnceAndReturnsItsResponse()
    {
        await using GatedApp app = await StartAsync(LimitGate);

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"sent\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, _handlerCalls);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], app.Kinds);
        Assert.All(app.Sink.Records, static r => Assert.Equal("payments.create", r.Action));
        Assert.All(app.Sink.Records, static r => Assert.Equal("payment P-1", r.Subject));
        Assert.Equal("Completed", app.Sink.Records[1].Detail);
    }

    [Fact]
    public async Task RequireGate_Allowed_WritesTheIntentRecordBeforeTheHandlerRuns()
    {
        SwitchableEvidenceSink? sink = null;
        await using GatedApp app = await StartAsync(LimitGate, handler: _ =>
        {
            _seenByHandler = [.. sink!.Records.Select(static r => r.Kind)];
            return Results.NoContent();
        });
        sink = app.Sink;

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([EvidenceKind.Intent], _seenByHandler);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], app.Kinds);
    }

    [Fact]
    public async Task RequireGate_Denied_Answers403ProblemDetailsAndNeverRunsTheHandler()
    {
        Gate<Payment> gate = Gate.From<Payment>("under-limit", static p =>
            p.Amount <= 1_000m ? GateDecision.Allow("under-limit") : GateDecision.Deny("under-limit", "Over the limit: " + Secret));
        await using GatedApp app = await StartAsync(gate);

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Large);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        ProblemBody body = await ProblemBody.ReadAsync(response);
        Assert.Equal("urn:failclosed:gates:Denied", body["type"]);
        Assert.Equal("403", body["status"]);
        Assert.Equal(GateCodes.Denied, body["code"]);
        Assert.Equal("under-limit", body["gate"]);
        EvidenceRecord decision = Assert.Single(app.Sink.Records);
        Assert.Equal(EvidenceKind.Decision, decision.Kind);
        Assert.Equal(decision.ExecutionId, body["executionId"]);
        Assert.False(body.Has("reviewTicketId"));
        Assert.DoesNotContain(Secret, body.Text, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task RequireGate_GateThrows_Answers503WithoutExceptionDetailsOrRetryAfter()
    {
        Gate<Payment> gate = Gate.Require<Payment>("sanctions", static _ => throw new InvalidOperationException(Secret));
        await using GatedApp app = await StartAsync(gate);

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        ProblemBody body = await ProblemBody.ReadAsync(response);
        Assert.Equal(GateCodes.Fault, body["code"]);
        Assert.Equal("urn:failclosed:gates:Fault", body["type"]);
        Assert.Equal("503", body["status"]);
        Assert.Equal("sanctions", body["gate"]);
        Assert.DoesNotContain(Secret, body.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), body.Text, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task RequireGate_GateTimesOut_Answers503WithRetryAfter()
    {
        Gate<Payment> gate = Gate.From<Payment>("screening", static _ =>
            GateDecision.Indeterminate("screening", GateCodes.Timeout, "The screening service did not answer in time."));
        await using GatedApp app = await StartAsync(gate);

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.Equal(GateCodes.Timeout, (await ProblemBody.ReadAsync(response))["code"]);
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task RequireGate_EvidenceOutageQueuedForReview_Answers503WithRetryAfterAndTheTicket()
    {
        var queue = new InMemoryReviewQueue();
        await using GatedApp app = await StartAsync(LimitGate, reviewQueue: queue);
        app.Sink.Failing = true;

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        ProblemBody body = await ProblemBody.ReadAsync(response);
        Assert.Equal(GateCodes.EvidenceUnavailable, body["code"]);
        Assert.Equal(EvidenceFirstExecutor.GateName, body["gate"]);
        ReviewTicket ticket = Assert.Single(queue.Tickets);
        Assert.Equal(ticket.Id, body["reviewTicketId"]);
        Assert.Equal(ticket.ExecutionId, body["executionId"]);
        Assert.DoesNotContain("disk is full", body.Text, StringComparison.Ordinal);
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task RequireGate_RetryAfterOption_IsSentInWholeSecondsRoundedUp()
    {
        await using GatedApp app = await StartAsync(
            LimitGate,
            services => services.AddGateEndpoints(o => o.RetryAfter = TimeSpan.FromSeconds(90.2)));
        app.Sink.Failing = true;

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(["91"], response.Headers.GetValues("Retry-After"));
    }

    [Fact]
    public async Task RequireGate_ActionMissingFromAStrictCatalog_Answers403ActionUnclassified()
    {
        await using GatedApp app = await StartAsync(LimitGate, catalog: new ActionCatalogBuilder().AddClosed("refunds.create").Strict().Build());

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        ProblemBody body = await ProblemBody.ReadAsync(response);
        Assert.Equal(GateCodes.ActionUnclassified, body["code"]);
        Assert.Equal(ActionCatalog.GateName, body["gate"]);
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task RequireGate_HandlerThrows_RecordsTheOutcomeAndLetsTheExceptionThrough()
    {
        await using GatedApp app = await StartAsync(LimitGate, handler: static _ => throw new InvalidOperationException(Secret));

        // TestServer hands an unhandled application exception to the client call.
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.Client.PostAsJsonAsync("/payments", Small));

        Assert.Equal(1, _handlerCalls);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome], app.Kinds);
        Assert.Equal("Threw System.InvalidOperationException", app.Sink.Records[1].Detail);
        Assert.DoesNotContain(app.Sink.Records, static r => (r.Detail ?? string.Empty).Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequireGate_ContextFactoryThrows_Answers503FaultAndRecordsTheDecision()
    {
        await using GatedApp app = await GatedApp.StartAsync(app => app.MapPost("/payments", (Payment payment) =>
            {
                Interlocked.Increment(ref _handlerCalls);
                return Results.Ok();
            })
            .WithName("payments.create")
            .RequireGate(LimitGate, static Payment (c) => throw new FormatException(Secret)));

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        ProblemBody body = await ProblemBody.ReadAsync(response);
        Assert.Equal(GateCodes.Fault, body["code"]);
        Assert.Equal("endpoint-context", body["gate"]);
        Assert.DoesNotContain(Secret, body.Text, StringComparison.Ordinal);
        EvidenceRecord decision = Assert.Single(app.Sink.Records);
        Assert.Equal("payments.create", decision.Action);
        Assert.Equal(GateCodes.Fault, decision.Code);
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task RequireGate_GivenAction_RecordsUnderItsName()
    {
        var action = new GuardedAction<Payment>("payments.release", LimitGate, static p => "payment " + p.Id);
        await using GatedApp app = await GatedApp.StartAsync(app => app.MapPost("/payments", (Payment payment) => Results.Ok())
            .RequireGate(action, static c => c.GetArgument<Payment>(0)));

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(app.Sink.Records, static r => Assert.Equal("payments.release", r.Action));
    }

    [Fact]
    public async Task RequireGate_UnnamedEndpoint_FailsTheRequestWithoutRunningTheHandler()
    {
        await using GatedApp app = await GatedApp.StartAsync(app => app.MapPost("/payments", (Payment payment) =>
            {
                Interlocked.Increment(ref _handlerCalls);
                return Results.Ok();
            })
            .RequireGate(LimitGate, static c => c.GetArgument<Payment>(0)));

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.Client.PostAsJsonAsync("/payments", Small));

        Assert.Contains("has no name", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _handlerCalls);
        Assert.Empty(app.Sink.Records);
    }

    [Fact]
    public async Task RequireGate_NoExecutorRegistered_FailsWhenTheHostStarts()
    {
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            GatedApp.StartAsync(
                static app => app.MapPost("/payments", static (Payment payment) => Results.Ok()).WithName("payments.create")
                    .RequireGate(LimitGate, static c => c.GetArgument<Payment>(0)),
                registerExecutor: false));

        Assert.Contains("EvidenceFirstExecutor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGateEndpoints_RetryAfterNotPositive_FailsWhenTheHostStarts()
    {
        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            GatedApp.StartAsync(
                static app => app.MapGet("/", static () => "ok"),
                static services => services.AddGateEndpoints(static o => o.RetryAfter = TimeSpan.Zero)));

        Assert.Contains("RetryAfter '00:00:00'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireGate_OnBlockedCustomises_ButCannotTurnTheBlockIntoASuccess()
    {
        await using GatedApp app = await StartAsync(LimitGate, services => services.AddGateEndpoints(static o => o.OnBlocked = static c =>
        {
            c.ProblemDetails.Title = "Payment refused";
            c.ProblemDetails.Extensions["support"] = "https://support.example/payments";
            c.ProblemDetails.Status = StatusCodes.Status200OK;
            c.ProblemDetails.Extensions.Remove("code");
            c.ProblemDetails.Extensions["executionId"] = "forged";
            c.HttpContext.Response.StatusCode = StatusCodes.Status200OK;
            return ValueTask.CompletedTask;
        }));

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Large);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        ProblemBody body = await ProblemBody.ReadAsync(response);
        Assert.Equal("Payment refused", body["title"]);
        Assert.Equal("https://support.example/payments", body["support"]);
        Assert.Equal("403", body["status"]);
        Assert.Equal(GateCodes.Denied, body["code"]);
        Assert.Equal(app.Sink.Records[0].ExecutionId, body["executionId"]);
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task RequireGate_OnBlockedThrows_WritesTheDefaultBodyAndLogsIt()
    {
        await using GatedApp app = await StartAsync(LimitGate, services => services.AddGateEndpoints(static o => o.OnBlocked = static c =>
        {
            c.ProblemDetails.Title = "half-customised";
            throw new InvalidOperationException("customisation bug");
        }));

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Large);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        ProblemBody body = await ProblemBody.ReadAsync(response);
        Assert.Equal("The request was denied.", body["title"]);
        Assert.Equal(GateCodes.Denied, body["code"]);
        Assert.Contains(app.Logs.Entries, static e => e.Id.Id == 3001 && e.Id.Name == "OnBlockedFailed");
    }

    [Fact]
    public async Task RequireGate_Blocked_LogsEndpointBlockedWithItsEventId()
    {
        await using GatedApp app = await StartAsync(LimitGate);

        await app.Client.PostAsJsonAsync("/payments", Large);

        var entry = Assert.Single(app.Logs.Entries, static e => e.Id.Id == 3000);
        Assert.Equal("EndpointBlocked", entry.Id.Name);
        Assert.Contains("'payments.create'", entry.Message, StringComparison.Ordinal);
        Assert.Contains("Denied", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireGate_WithProblemDetailsService_KeepsTheStatusAndTheGateMembers()
    {
        await using GatedApp app = await StartAsync(LimitGate, static services => services.AddProblemDetails(static o =>
            o.CustomizeProblemDetails = static c => c.ProblemDetails.Extensions["host"] = "payments-api"));

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Large);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        ProblemBody body = await ProblemBody.ReadAsync(response);
        Assert.Equal("payments-api", body["host"]);
        Assert.Equal(GateCodes.Denied, body["code"]);
        Assert.Equal(0, _handlerCalls);
    }
}

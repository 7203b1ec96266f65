using System.Net;
using System.Net.Http.Json;
using FailClosed.Gates.AspNetCore.Tests.TestUtilities;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FailClosed.Gates.AspNetCore.Tests;

public sealed class CompositionTests
{
    private static readonly Payment Small = new("P-1", 100m);
    private static readonly Payment Large = new("P-2", 5_000m);

    private int _evaluations;

    private Gate<Payment> CountingLimitGate() => Gate.Require<Payment>("under-limit", p =>
    {
        Interlocked.Increment(ref _evaluations);
        return p.Amount <= 1_000m;
    });

    [Fact]
    public async Task RequireGate_AfterAuthorization_AnonymousRequestGets401AndTheGateIsNeverAsked()
    {
        await using GatedApp app = await GatedApp.StartAsync(app => app.MapPost("/payments", (Payment payment) => Results.Ok())
            .WithName("payments.create")
            .RequireAuthorization()
            .RequireGate(CountingLimitGate(), static c => c.GetArgument<Payment>(0)));

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/payments", Small);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _evaluations);
        Assert.Empty(app.Sink.Records);
    }

    [Fact]
    public async Task RequireGate_AfterAuthorization_AuthenticatedRequestIsJudgedWithItsUser()
    {
        Gate<(string User, Payment Payment)> gate = Gate.Require<(string User, Payment Payment)>(
            "not-self-approval",
            static c => c.User != "mallory");
        await using GatedApp app = await GatedApp.StartAsync(app => app.MapPost("/payments", (Payment payment) => Results.Ok())
            .WithName("payments.create")
            .RequireAuthorization()
            .RequireGate(gate, static c => (c.HttpContext.User.Identity!.Name!, c.GetArgument<Payment>(0))));

        using var alice = new HttpRequestMessage(HttpMethod.Post, "/payments") { Content = JsonContent.Create(Small) };
        alice.Headers.Add("X-User", "alice");
        using var mallory = new HttpRequestMessage(HttpMethod.Post, "/payments") { Content = JsonContent.Create(Small) };
        mallory.Headers.Add("X-User", "mallory");

        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(alice)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.SendAsync(mallory)).StatusCode);
    }

    [Fact]
    public async Task RequireGate_OnARouteGroup_GatesEveryEndpointUnderItsOwnName()
    {
        await using GatedApp app = await GatedApp.StartAsync(app =>
        {
            // Handlers of a group differ in their parameters: find the payment by type.
            RouteGroupBuilder payments = app.MapGroup("/payments")
                .RequireGate(CountingLimitGate(), static c => c.Arguments.OfType<Payment>().Single());
            payments.MapPost("/", (Payment payment) => Results.Ok()).WithName("payments.create");
            payments.MapPut("/{id}", (string id, Payment payment) => Results.Ok()).WithName("payments.update");
        });

        HttpResponseMessage created = await app.Client.PostAsJsonAsync("/payments/", Small);
        HttpResponseMessage updated = await app.Client.PutAsJsonAsync("/payments/P-2", Large);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, updated.StatusCode);
        Assert.Equal(2, _evaluations);
        Assert.Equal(
            ["payments.create", "payments.create", "payments.update"],
            app.Sink.Records.Select(static r => r.Action));
    }

    [Fact]
    public async Task RequireGate_OnControllers_RunsTheActionAsTheSideEffect()
    {
        TransfersController.Calls = 0;
        await using GatedApp app = await GatedApp.StartAsync(
            app => app.MapControllers().RequireGate(CountingLimitGate(), static c => c.GetArgument<Payment>(0), static p => "payment " + p.Id),
            static services => services.AddControllers().AddApplicationPart(typeof(TransfersController).Assembly));

        HttpResponseMessage allowed = await app.Client.PostAsJsonAsync("/transfers", Small);
        HttpResponseMessage denied = await app.Client.PostAsJsonAsync("/transfers", Large);

        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        ProblemBody body = await ProblemBody.ReadAsync(denied);
        Assert.Equal(GateCodes.Denied, body["code"]);
        Assert.Equal(1, TransfersController.Calls);
        Assert.Equal([EvidenceKind.Intent, EvidenceKind.Outcome, EvidenceKind.Decision], app.Kinds);
        Assert.All(app.Sink.Records, static r => Assert.Equal("transfers.create", r.Action));
    }

    [Fact]
    public async Task RequireGate_OnControllers_AuthorizeAttributeRunsFirst()
    {
        TransfersController.Calls = 0;
        await using GatedApp app = await GatedApp.StartAsync(
            app => app.MapControllers().RequireGate(CountingLimitGate(), static c => c.GetArgument<Payment>(0)),
            static services => services.AddControllers().AddApplicationPart(typeof(TransfersController).Assembly));

        HttpResponseMessage response = await app.Client.PostAsJsonAsync("/transfers/secured", Small);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _evaluations);
        Assert.Empty(app.Sink.Records);
        Assert.Equal(0, TransfersController.Calls);
    }
}

[ApiController]
[Route("transfers")]
public sealed class TransfersController : ControllerBase
{
    public static int Calls;

    [HttpPost]
    [EndpointName("transfers.create")]
    public IActionResult Create(Payment payment)
    {
        Interlocked.Increment(ref Calls);
        return Created("/transfers/" + payment.Id, payment);
    }

    [HttpPost("secured")]
    [Authorize]
    [EndpointName("transfers.secured")]
    public IActionResult Secured(Payment payment)
    {
        Interlocked.Increment(ref Calls);
        return Ok(payment);
    }
}

using FailClosed.Gates;
using FailClosed.Gates.AspNetCore;
using FailClosed.Gates.Samples.GatedEndpoints;
using Microsoft.AspNetCore.TestHost;

// A payments API whose POST /payments handler runs only when the payment gate allows it and the decision is on
// record first. The app is served by an in-memory test server: the sample prints each request and response and
// exits, without opening a port. It exits 1 if any response is not the one this file promises.

var journal = new InMemoryEvidenceSink();
var evidence = new OutageSwitch(journal);
var reviewQueue = new InMemoryReviewQueue();
ActionCatalog catalog = ActionCatalog.CreateBuilder()
    .AddClosed("payments.create")
    .Strict()
    .Build();

// The same gate a background job or a Polly pipeline would use: a limit and a screening check.
string[] sanctioned = ["Shell Company Ltd"];
Gate<PaymentRequest> paymentGate = Gate.Require<PaymentRequest>("under-limit", static p => p.Amount <= 10_000m)
    .And(Gate.Require<PaymentRequest>("screened", p => !sanctioned.Contains(p.Beneficiary)));

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseTestServer();
builder.Logging.ClearProviders();
builder.Services.AddSingleton(new EvidenceFirstExecutor(evidence, new() { Catalog = catalog, ReviewQueue = reviewQueue }));
builder.Services.AddGateEndpoints(static o => o.RetryAfter = TimeSpan.FromMinutes(2));

await using WebApplication app = builder.Build();
int paymentsSent = 0;
app.MapPost("/payments", (PaymentRequest payment) =>
    {
        paymentsSent++; // the side effect: in a real API, the call to the bank
        return Results.Created("/payments/" + payment.Id, new { payment.Id, status = "sent" });
    })
    .WithName("payments.create")
    .RequireGate(paymentGate, static c => c.GetArgument<PaymentRequest>(0), static p => "payment " + p.Id);
app.MapDelete("/payments/{id}", (string id) => Results.NoContent())
    .WithName("payments.delete")
    .RequireGate(Gate.Allow<string>("anyone"), static c => c.GetArgument<string>(0));

await app.StartAsync();
HttpClient client = app.GetTestClient();
bool asPromised = true;

await SendAsync("An ordinary payment runs.", HttpMethod.Post, "/payments", new PaymentRequest("P-1", 250m, "ACME GmbH"), 201);
await SendAsync("Over the limit: a deny is 403.", HttpMethod.Post, "/payments", new PaymentRequest("P-2", 50_000m, "ACME GmbH"), 403);
await SendAsync("A sanctioned beneficiary: 403.", HttpMethod.Post, "/payments", new PaymentRequest("P-3", 90m, "Shell Company Ltd"), 403);
await SendAsync("Not in the strict catalog: 403 ActionUnclassified.", HttpMethod.Delete, "/payments/P-1", null, 403);
evidence.DiskFull = true;
await SendAsync("The evidence volume is full: 503, Retry-After, queued for review.", HttpMethod.Post, "/payments", new PaymentRequest("P-4", 250m, "ACME GmbH"), 503);
evidence.DiskFull = false;

Console.WriteLine($"Payments sent: {paymentsSent} (the handler ran once, for P-1).");
Console.WriteLine("Evidence trail:");
foreach (EvidenceRecord record in journal.GetRecords())
{
    Console.WriteLine($"  #{record.Sequence} {record.Kind,-9} {record.Action,-16} {record.Verdict,-13} {record.Code,-20} {record.Subject}");
}

Console.WriteLine("(P-4 left no record: the evidence volume was full. Its review ticket holds the request.)");

asPromised &= paymentsSent == 1 && reviewQueue.Tickets.Count == 1;
await app.StopAsync();
return asPromised ? 0 : 1;

async Task SendAsync(string what, HttpMethod method, string path, PaymentRequest? body, int expected)
{
    Console.WriteLine("# " + what);
    using var request = new HttpRequestMessage(method, path);
    if (body is not null)
    {
        request.Content = JsonContent.Create(body);
    }

    Console.WriteLine($"> {method} {path} {(body is null ? string.Empty : await request.Content!.ReadAsStringAsync())}");
    using HttpResponseMessage response = await client.SendAsync(request);
    string retryAfter = response.Headers.RetryAfter is { Delta: { } delta } ? $" (Retry-After: {delta.TotalSeconds:0} s)" : string.Empty;
    Console.WriteLine($"< {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}{retryAfter}");
    Console.WriteLine("  " + await response.Content.ReadAsStringAsync());
    Console.WriteLine();
    if ((int)response.StatusCode != expected)
    {
        Console.Error.WriteLine($"Expected {expected}, got {(int)response.StatusCode}.");
        asPromised = false;
    }
}

using FailClosed.Gates;
using FailClosed.Gates.Samples.SecretsBroker;

// A secrets broker releases an API key only to a verified workload identity that is entitled to it, after the
// identity provider confirms the workload's token. A missing or expired identity is IdentityMissing; a token check
// that times out is retried a bounded number of times within one budget, then denied, logged and queued for review —
// never retried forever, never released "because the provider is slow".
TimeProvider clock = TimeProvider.System;
var evidence = new InMemoryEvidenceSink();
var reviews = new InMemoryReviewQueue();
var executor = new EvidenceFirstExecutor(evidence, new EvidenceFirstExecutorOptions
{
    // A release that could not be decided goes to the security team's review queue, bound to the exact request.
    Catalog = ActionCatalog.CreateBuilder()
        .AddClosed("release-secret")
        .ReviewWith("release-secret", ApprovalRule.Require(1, "security"))
        .Strict()
        .Build(),
    ReviewQueue = reviews,
    TimeProvider = clock,
});

var entitled = new Dictionary<string, string[]>(StringComparer.Ordinal)
{
    ["payments-api-key"] = ["spiffe://acme.example/ns/payments/sa/worker"],
};
var introspection = new TokenIntrospection();
Gate<SecretRequest> release = Gate.All(
    "secret-release",
    Gate.RequireIdentity<SecretRequest>("workload-identity", static r => r.Workload, clock),
    Gate.From<SecretRequest>("entitled", r => r.Workload is not { } workload
        ? GateDecision.Indeterminate("entitled", GateCodes.IdentityMissing, "No workload to look up.")
        : entitled.TryGetValue(r.SecretName, out string[]? who) && who.Contains(workload.Subject)
            ? GateDecision.Allow("entitled")
            : GateDecision.Deny("entitled", $"'{workload.Subject}' is not entitled to '{r.SecretName}'.")),
    Gate.Retry(
        Gate.DecisionPoint("token-introspection", introspection, new DecisionPointOptions
        {
            Timeout = TimeSpan.FromMilliseconds(200),
            PolicyVersion = "jwks-2026-03",
            TimeProvider = clock,
        }),
        maxAttempts: 3,
        budget: TimeSpan.FromSeconds(1),
        delay: TimeSpan.FromMilliseconds(50),
        clock));
var action = new GuardedAction<SecretRequest>("release-secret", release, static r => r.Describe());

DateTimeOffset now = clock.GetUtcNow();
var worker = new VerifiedIdentity("spiffe://acme.example/ns/payments/sa/worker", "spiffe://acme.example", now.AddMinutes(30));
var staleWorker = new VerifiedIdentity("spiffe://acme.example/ns/payments/sa/worker", "spiffe://acme.example", now.AddMinutes(-1));
var reporting = new VerifiedIdentity("spiffe://acme.example/ns/reporting/sa/job", "spiffe://acme.example", now.AddMinutes(30));
(string Scenario, SecretRequest Request, bool ProviderHangs, bool ShouldRelease)[] scenarios =
[
    ("the payments worker, verified and entitled", new("payments-api-key", worker, "eyJhbGciOi.payments"), false, true),
    ("a caller with no verified identity", new("payments-api-key", null, "eyJhbGciOi.stolen"), false, false),
    ("the payments worker with an expired credential", new("payments-api-key", staleWorker, "eyJhbGciOi.payments"), false, false),
    ("the reporting job, verified but not entitled", new("payments-api-key", reporting, "eyJhbGciOi.reporting"), false, false),
    ("the payments worker while token introspection hangs", new("payments-api-key", worker, "eyJhbGciOi.payments"), true, false),
];

bool asExpected = true;
foreach ((string scenario, SecretRequest request, bool hangs, bool shouldRelease) in scenarios)
{
    introspection.Hangs = hangs;
    int callsBefore = introspection.Calls;
    GuardedResult<string> result = await executor.ExecuteAsync(action, request, static (r, ct) => ValueTask.FromResult("sk_live_7f3a9c2e1b"));
    Console.WriteLine($"{scenario}:");
    if (result.Executed)
    {
        Console.WriteLine($"  released : {result.Value[..8]}… (masked) after {introspection.Calls - callsBefore} token check(s)");
    }
    else
    {
        Console.WriteLine($"  denied   : {result.Decision}");
        if (result.ReviewTicket is { } ticket)
        {
            Console.WriteLine($"  review   : queued as {ticket.Id} after {introspection.Calls - callsBefore} token check(s); no further retries");
        }
    }

    asExpected &= result.Executed == shouldRelease;
}

Console.WriteLine();
Console.WriteLine("Evidence (the token is never recorded):");
foreach (EvidenceRecord record in evidence.GetRecords())
{
    Console.WriteLine($"  #{record.Sequence} {record.Kind,-8} {record.Verdict,-13} {record.Code,-16} {record.Subject}");
}

// Every request that could not be decided is queued: the timeout, and the two without a valid identity (reviewers see
// them; a ticket with no known requester can never be approved). The definite deny is not queued.
return asExpected && reviews.Tickets.Count == 3 ? 0 : 1;

using FailClosed.Gates;

// A payment may go out only when every precondition positively asserts. Anything uncertain
// (a throwing check, a slow check, a missing approver) blocks, with a stable code that says why.
Gate<Payment> approved = Gate.Require<Payment>("has-approver", static p => p.ApproverId is not null);
Gate<Payment> underLimit = Gate.Require<Payment>("under-limit", static p => p.Amount <= 10_000m);
Gate<Payment> sanctions = Gate.Require<Payment>(
    "sanctions-screened",
    static (p, ct) => p.Beneficiary == "unreachable-bank"
        ? throw new HttpRequestException("The screening service is down.")
        : ValueTask.FromResult(p.Beneficiary != "blocked-bank"));

Gate<Payment> gate = Gate.All("payment-release", approved, underLimit, sanctions)
    .WithTimeout(TimeSpan.FromSeconds(2));

Payment[] payments =
[
    new("P-1", 950m, "acme-bank", "alice"),
    new("P-2", 25_000m, "acme-bank", "alice"),
    new("P-3", 120m, "acme-bank", null),
    new("P-4", 300m, "blocked-bank", "bob"),
    new("P-5", 300m, "unreachable-bank", "bob"),
];

foreach (Payment payment in payments)
{
    GateDecision decision = await gate.EvaluateAsync(payment);
    string outcome = decision.IsAllowed ? "SENT   " : "BLOCKED";
    Console.WriteLine($"{outcome} {payment.Id}  {decision}");
}

internal sealed record Payment(string Id, decimal Amount, string Beneficiary, string? ApproverId);

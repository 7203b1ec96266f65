using System.Globalization;
using System.Security.Cryptography;
using FailClosed.Gates;
using FailClosed.Gates.Samples.TwoPersonApproval;

// A two-person rule: a payment over the limit escalates for review instead of running; it needs two distinct
// finance approvers other than the requester, runs once, and only as approved. Every step is evidence.
const string PayOverLimit = "invoice.pay-over-limit";
string folder = Path.Combine(Path.GetTempPath(), "fcgates-two-person-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(folder);
using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var key = new CheckpointKey("example.com/payments", ecdsa);
int failures = 0;

ActionCatalog catalog = ActionCatalog.CreateBuilder()
    .AddClosed(PayOverLimit)
    .RequireApproval(PayOverLimit, ApprovalRule.Require(2, "finance").ExpiresAfter(TimeSpan.FromHours(8)))
    .Strict()
    .Build();
IReviewerDirectory directory = new InMemoryReviewerDirectory() // in a host: your identity provider's groups
    .Grant("rita@example.com", "finance")
    .Grant("alice@example.com", "finance")
    .Grant("bob@example.com", "finance");
var pay = new GuardedAction<Payment>(
    PayOverLimit,
    Gate.Require<Payment>("payee-on-file", static p => p.Payee == "ACME GmbH"),
    static p => "invoice " + p.InvoiceId)
{
    Requester = static p => p.RequestedBy,
    RequestFacts = static p => [new("invoice", p.InvoiceId), new("amount", p.Amount.ToString(CultureInfo.InvariantCulture)), new("payee", p.Payee)],
};
var payment = new Payment("INV-2041", 48_000m, "ACME GmbH", "rita@example.com");
int paid = 0;

await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(Options("evidence.journal")))
await using (FileReviewQueue queue = FileReviewQueue.Open(Options("review.queue")))
{
    var executor = new EvidenceFirstExecutor(journal, new EvidenceFirstExecutorOptions
    {
        Catalog = catalog,
        ReviewQueue = queue,
        ReviewerDirectory = directory,
    });

    Step("1. Rita asks to pay 48,000 EUR to ACME GmbH: over the limit, it escalates");
    GuardedResult<int> asked = await executor.ExecuteAsync(pay, payment, (_, _) => new ValueTask<int>(++paid));
    ReviewTicket ticket = asked.ReviewTicket ?? throw new InvalidOperationException("No ticket was issued.");
    Expect(!asked.Executed && asked.Decision.Code == GateCodes.EscalatedForReview, $"blocked with {asked.Decision.Code}; ticket {ticket.Id}, {ticket.State}");

    Step("2. Rita tries to approve her own request");
    try
    {
        await executor.ApproveAsync(ticket.Id, "rita@example.com");
        Expect(false, "her approval counted");
    }
    catch (ApprovalRefusedException refused)
    {
        Expect(refused.Refusal == ApprovalRefusal.SelfApproval, "refused: " + refused.Refusal);
    }

    Step("3. Alice approves: one of two");
    ticket = await executor.ApproveAsync(ticket.Id, "alice@example.com", "matches PO-77");
    Expect(ticket.State == ReviewTicketState.Pending, $"{ticket.Approvals.Count} approval, still {ticket.State}");

    Step("4. Bob approves: the rule is met");
    ticket = await executor.ApproveAsync(ticket.Id, "bob@example.com");
    Expect(ticket.State == ReviewTicketState.Approved, $"{ticket.Approvals.Count} approvals, {ticket.State}");

    Step("5. The approved payment runs, once");
    GuardedResult<int> ran = await executor.ExecuteApprovedAsync(ticket.Id, pay, payment, (_, _) => new ValueTask<int>(++paid));
    Expect(ran.Executed && paid == 1, $"executed: {ran.Executed}; payments made: {paid}");

    Step("6. A second run of the same ticket");
    GuardedResult<int> again = await executor.ExecuteApprovedAsync(ticket.Id, pay, payment, (_, _) => new ValueTask<int>(++paid));
    Expect(!again.Executed && again.Decision.Code == GateCodes.ReviewConsumed, "refused: " + again.Decision.Code);

    Step("7. A run with a changed amount");
    GuardedResult<int> changed = await executor.ExecuteApprovedAsync(ticket.Id, pay, payment with { Amount = 84_000m }, (_, _) => new ValueTask<int>(++paid));
    Expect(!changed.Executed && changed.Decision.Code == GateCodes.ReviewMismatch, "refused: " + changed.Decision.Code);
    Expect(paid == 1, $"payments made: {paid}");
}

Step("The evidence trail");
Console.WriteLine("  #   kind        code                 gate                     detail");
foreach (EvidenceRecord record in FileEvidenceJournal.ReadRecords(Path.Combine(folder, "evidence.journal")))
{
    Console.WriteLine($"  {record.Sequence,-3} {record.Kind,-11} {record.Code,-20} {record.Gate,-24} {record.Detail}");
}

EvidenceVerification trail = EvidenceVerifier.Verify(Path.Combine(folder, "evidence.journal"), [key]);
EvidenceVerification queueFile = EvidenceVerifier.Verify(Path.Combine(folder, "review.queue"), [key]);
Expect(trail.IsValid, "evidence journal: " + trail);
Expect(queueFile.IsValid, "review queue: " + queueFile);
foreach (ReviewTicket t in FileReviewQueue.ReadTickets(Path.Combine(folder, "review.queue")))
{
    Console.WriteLine($"  ticket {t.Id}: {t.State}, approved by {string.Join(", ", t.Approvals.Select(static v => v.Reviewer))}; {t.Note}");
}

Directory.Delete(folder, recursive: true);
Console.WriteLine(failures == 0 ? "\nEvery step behaved as expected." : $"\n{failures} step(s) did not behave as expected.");
return failures == 0 ? 0 : 1;

FileEvidenceJournalOptions Options(string file) => new()
{
    Path = Path.Combine(folder, file),
    Origin = "example.com/payments/" + file,
    SigningKey = key,
};

static void Step(string title) => Console.WriteLine("\n" + title);

void Expect(bool ok, string what)
{
    Console.WriteLine((ok ? "  ok: " : "  UNEXPECTED: ") + what);
    failures += ok ? 0 : 1;
}

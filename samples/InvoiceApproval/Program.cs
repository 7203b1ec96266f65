using System.Globalization;
using System.Security.Cryptography;
using FailClosed.Gates;
using FailClosed.Gates.Samples.InvoiceApproval;

// An agent may create draft invoices but not approve payments. Approving needs the exact, pinned approval
// policy, and every decision is written to a tamper-evident journal before anything happens. Remove or
// corrupt the policy, or make the journal unwritable, and approval blocks.

// The one approval policy this build trusts. Publishing a new policy means changing this line.
PolicyPin approvalPin = PolicyPin.Parse("invoice-approval@1#sha256:e453e6a0ee48a6ec79e3857d8f4595f5d9b99d46e812b2fb847152bb4ada35dd");

// --keep <dir> keeps the journal, its checkpoint and the checkpoint key's public half, to explore with fcgate.
string? keep = null;
if (args.Length == 2 && args[0] == "--keep")
{
    keep = Path.GetFullPath(args[1]);
}
else if (args.Length != 0)
{
    Console.Error.WriteLine("usage: dotnet run --project samples/InvoiceApproval [-- --keep <empty-or-new-folder>]");
    return 2;
}

if (keep is not null && Directory.Exists(keep) && Directory.EnumerateFileSystemEntries(keep).Any())
{
    // A journal there was signed by another run's key; this run's new key could not vouch for it.
    Console.Error.WriteLine($"--keep needs an empty or new folder; '{keep}' is not empty.");
    return 2;
}

DirectoryInfo work = keep is null ? Directory.CreateTempSubdirectory("fcgates-invoices-") : Directory.CreateDirectory(keep);
string policies = Path.Combine(work.FullName, "policies");
string artifact = Path.Combine(policies, "invoice-approval", "1.policy");
Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
File.Copy(Path.Combine(AppContext.BaseDirectory, "policies", "invoice-approval", "1.policy"), artifact);
string journalPath = Path.Combine(work.FullName, "evidence.journal");

using ECDsa signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var checkpointKey = new CheckpointKey("invoices-sample", signingKey);

// Every action is classified; anything not listed is blocked with ActionUnclassified.
ActionCatalog catalog = ActionCatalog.CreateBuilder()
    .AddClosed("invoice.create-draft")
    .AddClosed("invoice.approve-payment")
    .Strict()
    .Build();
var reviewQueue = new InMemoryReviewQueue();

var createDraft = new GuardedAction<InvoiceRequest>(
    "invoice.create-draft",
    Gate.Require<InvoiceRequest>("known-role", static r => r.Role is "agent" or "clerk" or "finance-manager"),
    InvoiceRequest.Describe);
var deleteInvoice = new GuardedAction<InvoiceRequest>("invoice.delete", Gate.Allow<InvoiceRequest>("anyone"), InvoiceRequest.Describe);

// A pinned gate loads, verifies and compiles its artifact once, on first use; a new one stands for a new process.
GuardedAction<InvoiceRequest> ApproveAction() => new(
    "invoice.approve-payment",
    Gate.Pinned(approvalPin, new FilePolicySource(policies), ApprovalPolicy.Compile).WithTimeout(TimeSpan.FromSeconds(2)),
    InvoiceRequest.Describe);

var agent = new InvoiceRequest("agent-7", "agent", "INV-1001", 1_250m);
var manager = agent with { Actor = "maria", Role = "finance-manager" };

Console.WriteLine($"Working in {work.FullName}");
Console.WriteLine($"Approval policy pinned to {approvalPin}");

await using (FileEvidenceJournal journal = FileEvidenceJournal.Open(new FileEvidenceJournalOptions
{
    Path = journalPath,
    Origin = "example.com/invoices",
    SigningKey = checkpointKey,
}))
{
    var executor = new EvidenceFirstExecutor(journal, new EvidenceFirstExecutorOptions { Catalog = catalog, ReviewQueue = reviewQueue });
    GuardedAction<InvoiceRequest> approve = ApproveAction();

    Section("1. The agent drafts an invoice, and may not approve it");
    await RunAsync(executor, createDraft, agent);
    await RunAsync(executor, approve, agent);
    await RunAsync(executor, deleteInvoice, agent);

    Section("2. A finance manager approves under the pinned policy");
    await RunAsync(executor, approve, manager);
    await RunAsync(executor, approve, manager with { InvoiceId = "INV-1002", Amount = 80_000m });

    Section("3. The policy artifact is missing (a new process starts)");
    File.Move(artifact, artifact + ".removed");
    await RunAsync(executor, ApproveAction(), manager);
    File.Move(artifact + ".removed", artifact);

    Section("4. One byte of the policy artifact is changed");
    byte[] original = await File.ReadAllBytesAsync(artifact);
    byte[] corrupted = (byte[])original.Clone();
    corrupted[^3] ^= 0x01; // "maxAmount":50000 becomes 50001: plausible, and not the policy that was reviewed
    await File.WriteAllBytesAsync(artifact, corrupted);
    await RunAsync(executor, ApproveAction(), manager);
    await File.WriteAllBytesAsync(artifact, original);
}

Section("5. The journal cannot be written (the disk is full)");
var withoutEvidence = new EvidenceFirstExecutor(new DiskFullEvidenceSink(), new EvidenceFirstExecutorOptions { Catalog = catalog, ReviewQueue = reviewQueue });
await RunAsync(withoutEvidence, ApproveAction(), manager);
foreach (ReviewTicket ticket in reviewQueue.Tickets)
{
    Console.WriteLine($"  review queue: ticket {ticket.Id} for {ticket.Action} (execution {ticket.ExecutionId})");
}

Section("6. The evidence trail, read back from the journal");
const string Row = "  {0,-3} {1,-9} {2,-24} {3,-13} {4,-20} {5,-34} {6}";
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Row, "#", "kind", "action", "verdict", "code", "decided by (gate)", "subject"));
foreach (EvidenceRecord record in FileEvidenceJournal.ReadRecords(journalPath))
{
    Console.WriteLine(string.Format(
        CultureInfo.InvariantCulture, Row, record.Sequence, record.Kind, record.Action, record.Verdict, record.Code, record.Gate, record.Subject));
    if (record.Pins.Count != 0 || record.Detail is not null)
    {
        string policy = record.Pins.Count == 0 ? string.Empty : "policy " + string.Join(", ", record.Pins.Select(static p => p.ToString()));
        Console.WriteLine("      " + string.Join("; ", new[] { policy, record.Detail ?? string.Empty }.Where(static s => s.Length != 0)));
    }
}

EvidenceVerification verification = EvidenceVerifier.Verify(journalPath, [checkpointKey]);
Console.WriteLine($"  verify: {verification}");
Console.WriteLine("    root: the Merkle tree hash over every record; changing, adding or removing any record changes it.");
Console.WriteLine("    checkpoint: the journal's signed statement of its size and root, so a trail cut short is caught too.");

Section("7. Someone edits one byte of a copy of the journal");
string tampered = Path.Combine(work.FullName, "tampered.journal");
File.Copy(journalPath, tampered);
File.Copy(journalPath + ".checkpoint", tampered + ".checkpoint");
byte[] bytes = await File.ReadAllBytesAsync(tampered);
bytes[bytes.Length / 2] ^= 0x20;
await File.WriteAllBytesAsync(tampered, bytes);
EvidenceVerification tamperedVerification = EvidenceVerifier.Verify(tampered, [checkpointKey]);
Console.WriteLine($"  verify: {tamperedVerification}");

Section("The action catalog, for governance review");
Console.WriteLine(catalog.ToMarkdown(TimeProvider.System.GetUtcNow()));

if (keep is null)
{
    work.Delete(recursive: true);
}
else
{
    string publicKey = Path.Combine(work.FullName, "checkpoint-key.pub.pem");
    await File.WriteAllTextAsync(publicKey, signingKey.ExportSubjectPublicKeyInfoPem());
    Section($"Kept in {work.FullName}: the journal, its checkpoint and the checkpoint key's public half");
    Console.WriteLine("Try next, from the repository root:");
    Console.WriteLine($"  dotnet run --project src/FailClosed.Gates.Tool -- verify {journalPath} --key {checkpointKey.Name}={publicKey}");
    Console.WriteLine($"  dotnet run --project src/FailClosed.Gates.Tool -- dump {journalPath}");
    Console.WriteLine($"  dotnet run --project src/FailClosed.Gates.Tool -- verify {tampered} --key {checkpointKey.Name}={publicKey}");
}

// Non-zero when the trail did not verify or the tampering went unnoticed, so CI notices a broken sample.
return verification.IsValid && !tamperedVerification.IsValid ? 0 : 1;

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine(title);
}

static async Task RunAsync(EvidenceFirstExecutor executor, GuardedAction<InvoiceRequest> action, InvoiceRequest request)
{
    GuardedResult result = await executor.ExecuteAsync(action, request, static (r, _) =>
    {
        Console.WriteLine($"  -> side effect ran: {r.InvoiceId} handled for {r.Actor}");
        return ValueTask.CompletedTask;
    });

    string verdict = result.Executed ? "EXECUTED" : "BLOCKED ";
    Console.WriteLine($"  {verdict} {action.Name} by {request.Actor}: {result.Decision}");
}

using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// The cost of the approval path — escalate, two approvals, the approved run — against one plain evidence-first run
/// of the same action, with an in-memory queue and a sink that keeps nothing. Each operation makes a new ticket, so
/// the in-memory queue grows over a run; the numbers are per request.
/// </summary>
[MemoryDiagnoser]
public class ReviewBenchmarks
{
    private const string Action = "invoice.pay-over-limit";
    private static readonly Func<Invoice, CancellationToken, ValueTask<decimal>> SideEffect = static (invoice, _) => new ValueTask<decimal>(invoice.Amount);

    private readonly Invoice _invoice = new("INV-42", 48_000m, "ACME GmbH", "rita");
    private GuardedAction<Invoice> _action = null!;
    private EvidenceFirstExecutor _plain = null!;
    private EvidenceFirstExecutor _reviewed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _action = new GuardedAction<Invoice>(Action, Gate.Require<Invoice>("payee-on-file", static i => i.Payee.Length > 0), static i => "invoice " + i.Id)
        {
            Requester = static i => i.RequestedBy,
            RequestFacts = static i => [new("invoice", i.Id), new("amount", i.Amount.ToString(CultureInfo.InvariantCulture)), new("payee", i.Payee)],
        };
        _plain = new EvidenceFirstExecutor(new NoOpEvidenceSink());
        _reviewed = new EvidenceFirstExecutor(new NoOpEvidenceSink(), new EvidenceFirstExecutorOptions
        {
            Catalog = ActionCatalog.CreateBuilder().RequireApproval(Action, ApprovalRule.Require(2, "finance")).Build(),
            ReviewQueue = new InMemoryReviewQueue(),
            ReviewerDirectory = new InMemoryReviewerDirectory().Grant("alice", "finance").Grant("bob", "finance"),
        });
    }

    [Benchmark(Baseline = true)]
    public decimal ExecuteWithoutReview() =>
        Ran(_plain.ExecuteAsync(_action, _invoice, SideEffect, CancellationToken.None).AsTask().GetAwaiter().GetResult());

    [Benchmark]
    public string Escalate() =>
        _reviewed.ExecuteAsync(_action, _invoice, SideEffect, CancellationToken.None).AsTask().GetAwaiter().GetResult().ReviewTicket!.Id;

    [Benchmark]
    public decimal EscalateApproveTwiceAndRun()
    {
        string ticket = Escalate();
        _ = _reviewed.ApproveAsync(ticket, "alice").AsTask().GetAwaiter().GetResult();
        _ = _reviewed.ApproveAsync(ticket, "bob").AsTask().GetAwaiter().GetResult();
        GuardedResult<decimal> ran = _reviewed.ExecuteApprovedAsync(ticket, _action, _invoice, SideEffect, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return Ran(ran);
    }

    private static decimal Ran(GuardedResult<decimal> result) =>
        result.TryGetValue(out decimal value) ? value : throw new InvalidOperationException("The benchmark's call was blocked: " + result.Decision + ".");

    public sealed record Invoice(string Id, decimal Amount, string Payee, string RequestedBy);
}

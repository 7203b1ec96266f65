using System.Globalization;
using System.Runtime.CompilerServices;

namespace FailClosed.Gates.PostgreSql.Tests;

/// <summary>
/// One instance of a service: an executor whose invoice payments always need two finance approvals, with its own
/// review queue (and evidence sink) over a shared database.
/// </summary>
public sealed class ReviewInstance
{
    public const string ActionName = "invoice.pay-over-limit";

    public ReviewInstance(IReviewQueue queue, IEvidenceSink? sink = null)
    {
        Queue = queue;
        Sink = sink ?? new InMemoryEvidenceSink();
        Executor = new EvidenceFirstExecutor(Sink, new EvidenceFirstExecutorOptions
        {
            Catalog = ActionCatalog.CreateBuilder().AddClosed(ActionName).RequireApproval(ActionName, ApprovalRule.Require(2, "finance")).Build(),
            ReviewQueue = queue,
            ReviewerDirectory = new InMemoryReviewerDirectory().Grant("alice", "finance").Grant("bob", "finance"),
        });
    }

    public static GuardedAction<PaymentOrder> Action { get; } = new(ActionName, Gate.Allow<PaymentOrder>("ok"), static i => "invoice " + i.Id)
    {
        Requester = static i => i.RequestedBy,
        RequestFacts = static i => [new("invoice", i.Id), new("amount", i.Amount.ToString(CultureInfo.InvariantCulture))],
    };

    public IReviewQueue Queue { get; }

    public IEvidenceSink Sink { get; }

    public EvidenceFirstExecutor Executor { get; }

    public static PaymentOrder Invoice(string id = "INV-7") => new(id, 25_000m, "rita");

    public ValueTask<GuardedResult<int>> RunAsync(PaymentOrder invoice, StrongBox<int> runs) =>
        Executor.ExecuteAsync(Action, invoice, runs, static (_, box, _) => new ValueTask<int>(Interlocked.Increment(ref box.Value)));

    public ValueTask<GuardedResult<int>> RunApprovedAsync(string ticketId, PaymentOrder invoice, StrongBox<int> runs) =>
        Executor.ExecuteApprovedAsync(ticketId, Action, invoice, (_, _) => new ValueTask<int>(Interlocked.Increment(ref runs.Value)));
}

public sealed record PaymentOrder(string Id, decimal Amount, string RequestedBy);

using System.Globalization;

namespace FailClosed.Gates.Tests.Review;

/// <summary>An invoice that needs two finance approvals, an executor with a queue and a directory, and a sink that can go down.</summary>
internal sealed class ReviewFixture
{
    public const string ActionName = "invoice.pay-over-limit";

    public ReviewFixture(ApprovalRule? rule = null, Gate<Invoice>? gate = null, IReviewQueue? queue = null, bool always = true)
    {
        Queue = queue ?? new InMemoryReviewQueue();
        Directory = new InMemoryReviewerDirectory()
            .Grant("alice", "finance")
            .Grant("bob", "finance")
            .Grant("carol", "treasury")
            .Grant("rita", "finance");
        ActionCatalogBuilder catalog = ActionCatalog.CreateBuilder().AddClosed(ActionName);
        rule ??= ApprovalRule.Require(2, "finance");
        catalog = always ? catalog.RequireApproval(ActionName, rule) : catalog.ReviewWith(ActionName, rule);
        Executor = new EvidenceFirstExecutor(Sink, new EvidenceFirstExecutorOptions
        {
            TimeProvider = Clock,
            Catalog = catalog.Build(),
            ReviewQueue = Queue,
            ReviewerDirectory = Directory,
        });
        Action = new GuardedAction<Invoice>(ActionName, gate ?? Gate.Allow<Invoice>("ok"), static i => "invoice " + i.Id)
        {
            Requester = static i => i.RequestedBy,
            RequestFacts = static i => [new("invoice", i.Id), new("amount", i.Amount.ToString(CultureInfo.InvariantCulture)), new("payee", i.Payee)],
        };
    }

    public ManualTimeProvider Clock { get; } = new();

    public SwitchableSink Sink { get; } = new();

    public IReviewQueue Queue { get; }

    public InMemoryReviewerDirectory Directory { get; }

    public EvidenceFirstExecutor Executor { get; }

    public GuardedAction<Invoice> Action { get; }

    public int Runs;

    public static Invoice Invoice(decimal amount = 25_000m) => new("INV-7", amount, "ACME GmbH", "rita");

    public async Task<ReviewTicket> EscalateAsync(Invoice? invoice = null)
    {
        GuardedResult<int> result = await RunAsync(invoice ?? Invoice());
        Assert.False(result.Executed);
        return result.ReviewTicket ?? throw new InvalidOperationException("No ticket: " + result);
    }

    public ValueTask<GuardedResult<int>> RunAsync(Invoice invoice) =>
        Executor.ExecuteAsync(Action, invoice, this, static (_, self, _) => new ValueTask<int>(Interlocked.Increment(ref self.Runs)));

    public ValueTask<GuardedResult<int>> RunApprovedAsync(string ticketId, Invoice invoice) =>
        Executor.ExecuteApprovedAsync(ticketId, Action, invoice, (_, _) => new ValueTask<int>(Interlocked.Increment(ref Runs)));

    public async Task<ReviewTicket> ApproveByTwoAsync(ReviewTicket ticket)
    {
        await Executor.ApproveAsync(ticket.Id, "alice");
        return await Executor.ApproveAsync(ticket.Id, "bob");
    }
}

internal sealed record Invoice(string Id, decimal Amount, string Payee, string RequestedBy);

/// <summary>An in-memory sink that can be switched off: then every append throws.</summary>
internal sealed class SwitchableSink : IEvidenceSink
{
    public InMemoryEvidenceSink Inner { get; } = new();

    public bool Down { get; set; }

    public EvidenceRecord[] Records => Inner.GetRecords();

    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default) =>
        Down ? throw new IOException("The disk is full.") : Inner.AppendAsync(record, cancellationToken);
}

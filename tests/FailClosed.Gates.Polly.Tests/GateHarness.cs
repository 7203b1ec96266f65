using FailClosed.Gates.Polly.Tests.TestUtilities;

namespace FailClosed.Gates.Polly.Tests;

/// <summary>An executor over an in-memory sink, a gate that counts its evaluations, and a way to run a pipeline with a transfer.</summary>
internal sealed class GateHarness
{
    public const string ActionName = "transfer.send";

    public static readonly ResiliencePropertyKey<Transfer> TransferKey = new("transfer");

    private int _evaluations;
    private int _calls;

    public GateHarness(ActionCatalog? catalog = null, IReviewQueue? reviewQueue = null)
    {
        Executor = new EvidenceFirstExecutor(
            Sink,
            new EvidenceFirstExecutorOptions { TimeProvider = Clock, Catalog = catalog ?? ActionCatalog.Empty, ReviewQueue = reviewQueue });
    }

    public ManualTimeProvider Clock { get; } = new();

    public SwitchableEvidenceSink Sink { get; } = new();

    public EvidenceFirstExecutor Executor { get; }

    /// <summary>Gets how many times the counting gate was asked.</summary>
    public int Evaluations => Volatile.Read(ref _evaluations);

    /// <summary>Gets how many times the inner callback was reached.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets the kinds of the stored evidence records, in order.</summary>
    public IReadOnlyList<EvidenceKind> Kinds => [.. Sink.Records.Select(static r => r.Kind)];

    /// <summary>A gate that allows transfers up to 1,000 and denies the rest, counting every evaluation.</summary>
    public Gate<Transfer> LimitGate() => Gate.From<Transfer>("under-limit", t =>
    {
        Interlocked.Increment(ref _evaluations);
        return t.Amount <= 1_000m
            ? GateDecision.Allow("under-limit")
            : GateDecision.Deny("under-limit", "The amount is over the limit.");
    });

    /// <summary>A gate that answers from a script, one decision per evaluation, counting every evaluation.</summary>
    public Gate<Transfer> ScriptedGate(params GateDecision[] decisions) => Gate.From<Transfer>("scripted", _ =>
    {
        int i = Interlocked.Increment(ref _evaluations) - 1;
        return decisions[Math.Min(i, decisions.Length - 1)];
    });

    public GateStrategyOptions<Transfer> Options(Gate<Transfer> gate) => new()
    {
        Executor = Executor,
        Action = new GuardedAction<Transfer>(ActionName, gate, static t => "transfer " + t.Id),
        ContextFactory = static context => context.Properties.TryGetValue(TransferKey, out Transfer? transfer)
            ? transfer
            : throw new InvalidOperationException("The resilience context carries no transfer."),
    };

    /// <summary>Runs <paramref name="pipeline"/> for <paramref name="transfer"/>; the body is the inner callback.</summary>
    public async Task<Outcome<string>> RunAsync(
        ResiliencePipeline pipeline,
        Transfer? transfer,
        Func<int, CancellationToken, ValueTask<string>>? body = null,
        CancellationToken cancellationToken = default)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        if (transfer is not null)
        {
            context.Properties.Set(TransferKey, transfer);
        }

        try
        {
            return await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    int call = Interlocked.Increment(ref state.Harness._calls);
                    try
                    {
                        string value = state.Body is null ? "sent" : await state.Body(call, ctx.CancellationToken);
                        return Outcome.FromResult(value);
                    }
                    catch (Exception exception)
                    {
                        return Outcome.FromException<string>(exception);
                    }
                },
                context,
                (Harness: this, Body: body));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}

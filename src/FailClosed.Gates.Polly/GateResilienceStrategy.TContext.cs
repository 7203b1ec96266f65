using Polly;
using Polly.Telemetry;

namespace FailClosed.Gates.Polly;

/// <summary>Runs the rest of a pipeline as the side effect of a guarded action; a block is an outcome, never a throw.</summary>
/// <typeparam name="TContext">The type of the value the gate judges.</typeparam>
internal sealed class GateResilienceStrategy<TContext> : ResilienceStrategy
{
    private readonly EvidenceFirstExecutor _executor;
    private readonly GuardedAction<TContext> _action;
    private readonly GuardedAction<Exception> _contextFault;
    private readonly Func<ResilienceContext, TContext> _contextFactory;
    private readonly Func<OnGateBlockedArguments, ValueTask>? _onBlocked;
    private readonly ResilienceStrategyTelemetry _telemetry;

    public GateResilienceStrategy(
        EvidenceFirstExecutor executor,
        GuardedAction<TContext> action,
        Func<ResilienceContext, TContext> contextFactory,
        Func<OnGateBlockedArguments, ValueTask>? onBlocked,
        ResilienceStrategyTelemetry telemetry)
    {
        _executor = executor;
        _action = action;
        _contextFactory = contextFactory;
        _onBlocked = onBlocked;
        _telemetry = telemetry;

        // Same action name, so the catalog classifies it the same way; its gate can only say Indeterminate(Fault).
        _contextFault = new GuardedAction<Exception>(
            action.Name,
            Gate.From<Exception>(GateStrategyConstants.ContextGateName, ContextFault));
    }

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var call = new Call<TResult, TState>(callback, context, state);
        GuardedResult<Outcome<TResult>> result;
        try
        {
            TContext gateContext;
            try
            {
                gateContext = _contextFactory(context);
            }
            catch (Exception exception)
            {
                result = await _executor.ExecuteAsync(_contextFault, exception, call, static (_, c, _) => c.RunAsync(), context.CancellationToken)
                    .ConfigureAwait(context.ContinueOnCapturedContext);
                return await EndAsync(result, context).ConfigureAwait(context.ContinueOnCapturedContext);
            }

            result = await _executor.ExecuteAsync(_action, gateContext, call, static (_, c, _) => c.RunAsync(), context.CancellationToken)
                .ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception exception)
        {
            // The rest of the pipeline failed: the executor has recorded that in the Outcome record and rethrown it.
            return Outcome.FromException<TResult>(exception);
        }

        return await EndAsync(result, context).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private async ValueTask<Outcome<TResult>> EndAsync<TResult>(GuardedResult<Outcome<TResult>> result, ResilienceContext context)
    {
        if (result.Executed)
        {
            return result.Value;
        }

        var exception = new GateBlockedException(_action.Name, result.Decision, result.ExecutionId, result.TraceId, result.ReviewTicket);
        var args = new OnGateBlockedArguments(context, exception);
        Outcome<TResult> blocked = Outcome.FromException<TResult>(exception);
        _telemetry.Report(new ResilienceEvent(ResilienceEventSeverity.Error, GateStrategyConstants.OnGateBlockedEvent), context, blocked, args);
        if (_onBlocked is not null)
        {
            await _onBlocked(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        return blocked;
    }

    private static GateDecision ContextFault(Exception exception) => GateDecision.Indeterminate(
        GateStrategyConstants.ContextGateName,
        GateCodes.Fault,
        "The gate context could not be read from the resilience context: " + exception.GetType().FullName + " was thrown.",
        exception);

    /// <summary>The rest of the pipeline, as the executor's side effect; a failed outcome is thrown so the Outcome record says so.</summary>
    private readonly struct Call<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        public Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> Callback { get; } = callback;

        public ResilienceContext Context { get; } = context;

        public TState State { get; } = state;

        public async ValueTask<Outcome<TResult>> RunAsync()
        {
            Outcome<TResult> outcome = await Callback(Context, State).ConfigureAwait(Context.ContinueOnCapturedContext);
            outcome.ThrowIfException();
            return outcome;
        }
    }
}

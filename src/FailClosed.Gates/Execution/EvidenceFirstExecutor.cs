using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// Runs a side effect only after its action is classified, its gate allows, and the Intent record is durably
/// written; then records the outcome. Everything uncertain ends in a block with a stable code.
/// </summary>
/// <remarks>
/// <para>
/// The order is fixed: classify the action → evaluate the gate → append the Intent record → run the side effect
/// (exactly once) → append the Outcome record. A block attempts a Decision record and stands whether or not it is
/// written. Every evidence write is bounded by <see cref="EvidenceFirstExecutorOptions.EvidenceWriteTimeout"/>; a
/// write that throws, fails or passes its deadline is an evidence outage (<see cref="GateCodes.EvidenceUnavailable"/>).
/// </para>
/// <para>
/// Instances are thread-safe; create one per evidence sink and share it.
/// </para>
/// </remarks>
public sealed partial class EvidenceFirstExecutor
{
    /// <summary>The gate name that decisions made by the executor itself (evidence outage, cancellation) carry.</summary>
    public const string GateName = "evidence-first-executor";

    private readonly IEvidenceSink _sink;
    private readonly ActionCatalog _catalog;
    private readonly IReviewQueue? _reviewQueue;
    private readonly IReviewerDirectory? _reviewerDirectory;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _evidenceWriteTimeout;
    private readonly DeadlinePool _deadlines;
    private readonly GateDecision _canceled;
    private readonly ExecutionTelemetry _telemetry;

    /// <summary>Initializes a new instance of the <see cref="EvidenceFirstExecutor"/> class.</summary>
    /// <param name="evidenceSink">Where evidence records are appended.</param>
    /// <param name="options">The options, read once; defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="evidenceSink"/> is null, or an option that must be set is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EvidenceFirstExecutorOptions.EvidenceWriteTimeout"/> is
    /// not positive, is infinite or exceeds <see cref="EvidenceFirstExecutorOptions.MaxEvidenceWriteTimeout"/>.</exception>
    public EvidenceFirstExecutor(IEvidenceSink evidenceSink, EvidenceFirstExecutorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(evidenceSink);
        options ??= new EvidenceFirstExecutorOptions();
        ArgumentNullException.ThrowIfNull(options.Catalog, "options.Catalog");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        TimeSpan timeout = options.EvidenceWriteTimeout;
        if (timeout <= TimeSpan.Zero || timeout > EvidenceFirstExecutorOptions.MaxEvidenceWriteTimeout)
        {
            throw new ArgumentOutOfRangeException(
                "options.EvidenceWriteTimeout",
                timeout,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The evidence write timeout '{timeout}' must be positive and at most {EvidenceFirstExecutorOptions.MaxEvidenceWriteTimeout}: an unbounded write would let a hung sink hang every guarded call."));
        }

        _sink = evidenceSink;
        _catalog = options.Catalog;
        _reviewQueue = options.ReviewQueue;
        _reviewerDirectory = options.ReviewerDirectory;
        _timeProvider = options.TimeProvider;
        _evidenceWriteTimeout = timeout;
        _deadlines = new DeadlinePool(_timeProvider);
        _telemetry = options.Telemetry ?? ExecutorMetrics.Instance;
        _canceled = GateDecision.Indeterminate(GateName, GateCodes.Canceled, "The caller canceled the request before the side effect started.");
    }

    /// <summary>Gets the catalog that classifies actions.</summary>
    public ActionCatalog Catalog => _catalog;

    /// <summary>Gets how long one evidence write may take before it counts as an evidence outage.</summary>
    public TimeSpan EvidenceWriteTimeout => _evidenceWriteTimeout;

    /// <summary>Executes <paramref name="sideEffect"/> evidence-first, if <paramref name="action"/> allows it.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <typeparam name="TResult">The type of the side effect's value.</typeparam>
    /// <param name="action">The guarded action.</param>
    /// <param name="context">The value the gate judges and the side effect acts on.</param>
    /// <param name="sideEffect">The side effect; runs at most once, after the Intent record is acknowledged, with
    /// <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the request; canceled before the side effect starts, it blocks with
    /// <see cref="GateCodes.Canceled"/>.</param>
    /// <returns>Whether the side effect ran, its value, the decision and the evidence receipts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <remarks>An exception thrown by <paramref name="sideEffect"/> is recorded (its type only) and rethrown unchanged.</remarks>
    public ValueTask<GuardedResult<TResult>> ExecuteAsync<TContext, TResult>(
        GuardedAction<TContext> action,
        TContext context,
        Func<TContext, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(sideEffect);
        return ExecuteCoreAsync(action, context, sideEffect, static (c, s, ct) => s(c, ct), cancellationToken);
    }

    /// <summary>Executes <paramref name="sideEffect"/> evidence-first with a state argument, so it can be a static lambda.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the side effect.</typeparam>
    /// <typeparam name="TResult">The type of the side effect's value.</typeparam>
    /// <param name="action">The guarded action.</param>
    /// <param name="context">The value the gate judges and the side effect acts on.</param>
    /// <param name="state">Passed to <paramref name="sideEffect"/>, so it needs no closure.</param>
    /// <param name="sideEffect">The side effect; runs at most once, after the Intent record is acknowledged, with
    /// <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the request; canceled before the side effect starts, it blocks with
    /// <see cref="GateCodes.Canceled"/>.</param>
    /// <returns>Whether the side effect ran, its value, the decision and the evidence receipts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <remarks>An exception thrown by <paramref name="sideEffect"/> is recorded (its type only) and rethrown unchanged.</remarks>
    public ValueTask<GuardedResult<TResult>> ExecuteAsync<TContext, TState, TResult>(
        GuardedAction<TContext> action,
        TContext context,
        TState state,
        Func<TContext, TState, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(sideEffect);
        return ExecuteCoreAsync(action, context, state, sideEffect, cancellationToken);
    }

    /// <summary>Executes a side effect that returns no value evidence-first, if <paramref name="action"/> allows it.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <param name="action">The guarded action.</param>
    /// <param name="context">The value the gate judges and the side effect acts on.</param>
    /// <param name="sideEffect">The side effect; runs at most once, after the Intent record is acknowledged, with
    /// <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the request; canceled before the side effect starts, it blocks with
    /// <see cref="GateCodes.Canceled"/>.</param>
    /// <returns>Whether the side effect ran, the decision and the evidence receipts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <remarks>An exception thrown by <paramref name="sideEffect"/> is recorded (its type only) and rethrown unchanged.</remarks>
    public ValueTask<GuardedResult> ExecuteAsync<TContext>(
        GuardedAction<TContext> action,
        TContext context,
        Func<TContext, CancellationToken, ValueTask> sideEffect,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(sideEffect);
        return ToVoidResult(ExecuteCoreAsync(action, context, sideEffect, static (c, s, ct) => ToValueTuple(s(c, ct)), cancellationToken));
    }

    /// <summary>Executes a side effect that returns no value evidence-first, with a state argument, so it can be a static lambda.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the side effect.</typeparam>
    /// <param name="action">The guarded action.</param>
    /// <param name="context">The value the gate judges and the side effect acts on.</param>
    /// <param name="state">Passed to <paramref name="sideEffect"/>, so it needs no closure.</param>
    /// <param name="sideEffect">The side effect; runs at most once, after the Intent record is acknowledged, with
    /// <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels the request; canceled before the side effect starts, it blocks with
    /// <see cref="GateCodes.Canceled"/>.</param>
    /// <returns>Whether the side effect ran, the decision and the evidence receipts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <remarks>An exception thrown by <paramref name="sideEffect"/> is recorded (its type only) and rethrown unchanged.</remarks>
    public ValueTask<GuardedResult> ExecuteAsync<TContext, TState>(
        GuardedAction<TContext> action,
        TContext context,
        TState state,
        Func<TContext, TState, CancellationToken, ValueTask> sideEffect,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(sideEffect);
        return ToVoidResult(ExecuteCoreAsync(
            action,
            context,
            (State: state, SideEffect: sideEffect),
            static (c, s, ct) => ToValueTuple(s.SideEffect(c, s.State, ct)),
            cancellationToken));
    }

    /// <summary>Executes <paramref name="sideEffect"/> evidence-first and returns its value, or throws when the request is blocked.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <typeparam name="TResult">The type of the side effect's value.</typeparam>
    /// <param name="action">The guarded action.</param>
    /// <param name="context">The value the gate judges and the side effect acts on.</param>
    /// <param name="sideEffect">The side effect; runs at most once, after the Intent record is acknowledged.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The side effect's value. A fail-open run, or a run whose outcome went unrecorded, still returns it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <exception cref="GateBlockedException">The request was blocked; the exception carries the decision.</exception>
    /// <remarks>An exception thrown by the side effect is recorded (its type only) and rethrown unchanged, never wrapped.</remarks>
    public ValueTask<TResult> ExecuteOrThrowAsync<TContext, TResult>(
        GuardedAction<TContext> action,
        TContext context,
        Func<TContext, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken = default) =>
        Unwrap(action, ExecuteAsync(action, context, sideEffect, cancellationToken));

    /// <summary>Executes <paramref name="sideEffect"/> evidence-first with a state argument and returns its value, or throws when the request is blocked.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the side effect.</typeparam>
    /// <typeparam name="TResult">The type of the side effect's value.</typeparam>
    /// <param name="action">The guarded action.</param>
    /// <param name="context">The value the gate judges and the side effect acts on.</param>
    /// <param name="state">Passed to <paramref name="sideEffect"/>, so it needs no closure.</param>
    /// <param name="sideEffect">The side effect; runs at most once, after the Intent record is acknowledged.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The side effect's value. A fail-open run, or a run whose outcome went unrecorded, still returns it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <exception cref="GateBlockedException">The request was blocked; the exception carries the decision.</exception>
    /// <remarks>An exception thrown by the side effect is recorded (its type only) and rethrown unchanged, never wrapped.</remarks>
    public ValueTask<TResult> ExecuteOrThrowAsync<TContext, TState, TResult>(
        GuardedAction<TContext> action,
        TContext context,
        TState state,
        Func<TContext, TState, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken = default) =>
        Unwrap(action, ExecuteAsync(action, context, state, sideEffect, cancellationToken));

    /// <summary>Executes a side effect that returns no value evidence-first, or throws when the request is blocked.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <param name="action">The guarded action.</param>
    /// <param name="context">The value the gate judges and the side effect acts on.</param>
    /// <param name="sideEffect">The side effect; runs at most once, after the Intent record is acknowledged.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the side effect has run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <exception cref="GateBlockedException">The request was blocked; the exception carries the decision.</exception>
    /// <remarks>An exception thrown by the side effect is recorded (its type only) and rethrown unchanged, never wrapped.</remarks>
    public ValueTask ExecuteOrThrowAsync<TContext>(
        GuardedAction<TContext> action,
        TContext context,
        Func<TContext, CancellationToken, ValueTask> sideEffect,
        CancellationToken cancellationToken = default) =>
        Unwrap(action, ExecuteAsync(action, context, sideEffect, cancellationToken));

    /// <summary>Executes a side effect that returns no value evidence-first with a state argument, or throws when the request is blocked.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <typeparam name="TState">The type of the state passed to the side effect.</typeparam>
    /// <param name="action">The guarded action.</param>
    /// <param name="context">The value the gate judges and the side effect acts on.</param>
    /// <param name="state">Passed to <paramref name="sideEffect"/>, so it needs no closure.</param>
    /// <param name="sideEffect">The side effect; runs at most once, after the Intent record is acknowledged.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the side effect has run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <exception cref="GateBlockedException">The request was blocked; the exception carries the decision.</exception>
    /// <remarks>An exception thrown by the side effect is recorded (its type only) and rethrown unchanged, never wrapped.</remarks>
    public ValueTask ExecuteOrThrowAsync<TContext, TState>(
        GuardedAction<TContext> action,
        TContext context,
        TState state,
        Func<TContext, TState, CancellationToken, ValueTask> sideEffect,
        CancellationToken cancellationToken = default) =>
        Unwrap(action, ExecuteAsync(action, context, state, sideEffect, cancellationToken));

    private static ValueTask<ValueTuple> ToValueTuple(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult(); // releases a pooled IValueTaskSource
            return default;
        }

        return AwaitAsync(pending);

        static async ValueTask<ValueTuple> AwaitAsync(ValueTask pending)
        {
            await pending.ConfigureAwait(false);
            return default;
        }
    }

    private static ValueTask<GuardedResult> ToVoidResult(ValueTask<GuardedResult<ValueTuple>> pending)
    {
        return pending.IsCompletedSuccessfully
            ? new ValueTask<GuardedResult>(new GuardedResult(pending.Result))
            : AwaitAsync(pending);

        static async ValueTask<GuardedResult> AwaitAsync(ValueTask<GuardedResult<ValueTuple>> pending) =>
            new(await pending.ConfigureAwait(false));
    }

    private static ValueTask<TResult> Unwrap<TContext, TResult>(GuardedAction<TContext> action, ValueTask<GuardedResult<TResult>> pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAsync(action.Name, pending);
        }

        GuardedResult<TResult> result = pending.Result;
        return result.Executed
            ? new ValueTask<TResult>(result.Value)
            : ValueTask.FromException<TResult>(Blocked(action.Name, result.Decision, result.ExecutionId, result.TraceId, result.ReviewTicket));

        static async ValueTask<TResult> AwaitAsync(string name, ValueTask<GuardedResult<TResult>> pending)
        {
            GuardedResult<TResult> result = await pending.ConfigureAwait(false);
            return result.Executed ? result.Value : throw Blocked(name, result.Decision, result.ExecutionId, result.TraceId, result.ReviewTicket);
        }
    }

    private static ValueTask Unwrap<TContext>(GuardedAction<TContext> action, ValueTask<GuardedResult> pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAsync(action.Name, pending);
        }

        GuardedResult result = pending.Result;
        return result.Executed
            ? ValueTask.CompletedTask
            : ValueTask.FromException(Blocked(action.Name, result.Decision, result.ExecutionId, result.TraceId, result.ReviewTicket));

        static async ValueTask AwaitAsync(string name, ValueTask<GuardedResult> pending)
        {
            GuardedResult result = await pending.ConfigureAwait(false);
            if (!result.Executed)
            {
                throw Blocked(name, result.Decision, result.ExecutionId, result.TraceId, result.ReviewTicket);
            }
        }
    }

    private static GateBlockedException Blocked(string action, GateDecision decision, string executionId, string? traceId, ReviewTicket? ticket) =>
        new(action, decision, executionId, traceId, ticket);
}

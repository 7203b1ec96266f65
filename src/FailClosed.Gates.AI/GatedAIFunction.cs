using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FailClosed.Gates.AI;

/// <summary>
/// An <see cref="AIFunction"/> whose every invocation runs through an <see cref="EvidenceFirstExecutor"/>: the action
/// is the tool, the context a <see cref="ToolCall"/> (tool, canonical arguments and their digest, call id, caller).
/// A block is returned to the model as the tool's result, a short text with the code; it is never thrown.
/// </summary>
/// <remarks>
/// Everything but the invocation passes through to the inner function, including <see cref="AITool.GetService(Type, object?)"/>,
/// so markers such as an approval requirement stay visible. An approval response in the chat history does not
/// bypass the gate: the gate judges every call that reaches it. A call a person approved in the executor's review
/// queue runs through <see cref="InvokeApprovedAsync"/>, once.
/// </remarks>
public sealed class GatedAIFunction : DelegatingAIFunction
{
    private readonly EvidenceFirstExecutor _executor;
    private readonly GuardedAction<ToolCall> _action;
    private readonly GuardedAction<ToolCall> _approvedAction;
    private readonly GatedToolOptions _options;

    /// <summary>Wraps <paramref name="innerFunction"/> so its invocations are gated by <paramref name="gate"/>.</summary>
    /// <param name="innerFunction">The tool.</param>
    /// <param name="executor">The executor that records and runs the invocation.</param>
    /// <param name="gate">The gate every invocation must pass; well-formed arguments and (by default) a verified caller are required before it.</param>
    /// <param name="options">The options; the defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerFunction"/>, <paramref name="executor"/> or <paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentException">Catalogued tools are required but the executor's catalog is not strict.</exception>
    public GatedAIFunction(AIFunction innerFunction, EvidenceFirstExecutor executor, Gate<ToolCall> gate, GatedToolOptions? options = null)
        : base(innerFunction)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(gate);
        options ??= new GatedToolOptions();
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        ArgumentNullException.ThrowIfNull(options.ActionPrefix, "options.ActionPrefix");
        if (options.RequireCatalogued && !executor.Catalog.IsStrict)
        {
            throw new ArgumentException(
                "The executor's action catalog is not strict, so a tool missing from it would run; build the catalog with Strict(), or set GatedToolOptions.RequireCatalogued to false.",
                nameof(executor));
        }

        _executor = executor;
        _options = options;
        ActionName = options.ActionPrefix + innerFunction.Name;
        _action = ToolCallActions.Create(ActionName, ToolCallGates.Compose(gate, options.RequireCaller, options.TimeProvider));
        _approvedAction = ToolCallActions.Create(ActionName, ToolCallGates.ComposeForApprovedRun(gate, options.RequireCaller, options.TimeProvider));
    }

    /// <summary>Gets the action name the tool is catalogued and recorded under.</summary>
    public string ActionName { get; }

    /// <summary>
    /// Runs a call that a person approved in the executor's review queue, at most once: the inner function runs through
    /// <see cref="EvidenceFirstExecutor.ExecuteApprovedAsync{TContext, TResult}(string, GuardedAction{TContext}, TContext, Func{TContext, CancellationToken, ValueTask{TResult}}, CancellationToken)"/>
    /// with the <see cref="ToolCall"/> read from <paramref name="arguments"/> exactly as for an ordinary invocation.
    /// </summary>
    /// <param name="ticketId">The ticket the call was queued under, as in <see cref="ToolCallBlocked.Ticket"/> or the text the model read.
    /// It is a reference, not an approval: the ticket must be Approved in the executor's queue.</param>
    /// <param name="arguments">The call's arguments; they must be the approved ones.</param>
    /// <param name="cancellationToken">Cancels the call before the function starts.</param>
    /// <returns>The function's result; or, when blocked, the block text, as <see cref="AIFunction.InvokeAsync"/> returns it.</returns>
    /// <exception cref="ArgumentException"><paramref name="ticketId"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="arguments"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The executor has no review queue.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// <para>
    /// The ticket must be Approved, unexpired and not yet run, for this tool, and for the same caller and the same
    /// canonical arguments (<see cref="GateCodes.ReviewNotApproved"/>, <see cref="GateCodes.ReviewExpired"/>,
    /// <see cref="GateCodes.ReviewConsumed"/>, <see cref="GateCodes.ReviewMismatch"/> otherwise); the call id may differ,
    /// since it is not part of the request digest. The gate is asked again: a Deny still blocks, and an Indeterminate
    /// answer is covered by the approval — but not unreadable arguments or a missing or expired caller, which block.
    /// </para>
    /// <para>
    /// A block is reported to <see cref="GatedToolOptions.OnBlocked"/> and logged like any other. With
    /// <c>FunctionInvokingChatClient</c>, a host can route a re-issued call here from its <c>FunctionInvoker</c>.
    /// </para>
    /// </remarks>
    public async ValueTask<object?> InvokeApprovedAsync(string ticketId, AIFunctionArguments arguments, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticketId);
        ArgumentNullException.ThrowIfNull(arguments);
        ToolCall call = Read(arguments);
        GuardedResult<object?> result = await _executor.ExecuteApprovedAsync(
            ticketId,
            _approvedAction,
            call,
            (_, ct) => InnerFunction.InvokeAsync(arguments, ct),
            cancellationToken).ConfigureAwait(false);
        return result.Executed ? result.Value : Blocked(call, result, cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ToolCall call = Read(arguments);
        GuardedResult<object?> result = await _executor.ExecuteAsync(
            _action,
            call,
            (Function: InnerFunction, Arguments: arguments),
            static (_, state, ct) => state.Function.InvokeAsync(state.Arguments, ct),
            cancellationToken).ConfigureAwait(false);
        return result.Executed ? result.Value : Blocked(call, result, cancellationToken);
    }

    private string Blocked(ToolCall call, GuardedResult<object?> result, CancellationToken cancellationToken)
    {
        // A caller that gave up gets cancellation, not a block text the model would never read.
        cancellationToken.ThrowIfCancellationRequested();
        ReviewTicket? ticket = result.ReviewTicket;
        string text = ToolCallBlock.Describe(result.Decision, ticket);
        _options.Logger?.ToolCallBlocked(call.Describe(), call.CallId, result.Decision.Gate, result.Decision.Code, result.Decision.Verdict);
        _options.OnBlocked?.Invoke(new ToolCallBlocked(call, result.Decision, ticket, text));
        return text;
    }

    private ToolCall Read(AIFunctionArguments arguments)
    {
        string? callId = _options.CallId?.Invoke(arguments);
        VerifiedIdentity? caller;
        try
        {
            caller = _options.Caller?.Invoke(arguments);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return ToolCall.Unreadable(Name, null, callId, "The caller could not be resolved: " + exception.GetType().FullName + " was thrown.");
        }

        var values = new Dictionary<string, JsonElement>(arguments.Count, StringComparer.Ordinal);
        JsonSerializerOptions serializerOptions = JsonSerializerOptions ?? AIJsonUtilities.DefaultOptions;
        foreach (KeyValuePair<string, object?> argument in arguments)
        {
            try
            {
                values[argument.Key] = argument.Value switch
                {
                    JsonElement element => element,
                    null => JsonSerializer.SerializeToElement<object?>(null, serializerOptions),
                    object value => JsonSerializer.SerializeToElement(value, serializerOptions.GetTypeInfo(value.GetType())),
                };
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return ToolCall.Unreadable(Name, caller, callId, "The argument '" + argument.Key + "' could not be written as JSON: " + exception.GetType().FullName + " was thrown.");
            }
        }

        return new ToolCall(Name, values, caller, callId);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FailClosed.Gates.Mcp;

/// <summary>
/// A call-tool request filter that runs every <c>tools/call</c> through an <see cref="EvidenceFirstExecutor"/>. Any tool
/// not in the catalog is denied, the caller is read from the request's user, and a block is answered as a tool
/// result with <see cref="CallToolResult.IsError"/> set and the code in its text — never as a protocol error.
/// </summary>
/// <remarks>
/// A call that carries a review ticket id in its request's <c>_meta</c> under <see cref="ReviewTicketMetaKey"/> runs
/// through <see cref="EvidenceFirstExecutor.ExecuteApprovedAsync{TContext, TResult}(string, GuardedAction{TContext}, TContext, Func{TContext, CancellationToken, ValueTask{TResult}}, CancellationToken)"/>:
/// the id is only a reference, never an approval — the ticket must be Approved in the executor's queue, unexpired, not
/// yet run, and for this tool, this caller and these canonical arguments, or the call is blocked.
/// </remarks>
public static class McpToolGate
{
    /// <summary>
    /// The key, in a <c>tools/call</c> request's <c>_meta</c>, of the id of the approved review ticket the call runs
    /// under. The value is a string: the ticket id the blocked call's result named.
    /// </summary>
    public const string ReviewTicketMetaKey = "io.github.failclosed/review-ticket";

    /// <summary>Creates the filter.</summary>
    /// <param name="executor">The executor that records and runs each call.</param>
    /// <param name="gate">The gate every call must pass; well-formed arguments and (by default) a verified caller are required before it.</param>
    /// <param name="options">The options; the defaults when null.</param>
    /// <returns>The filter, to add to <see cref="McpRequestFilters.CallToolFilters"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="executor"/> or <paramref name="gate"/> is null, or an option that must be set is null.</exception>
    /// <exception cref="ArgumentException">Catalogued tools are required but the executor's catalog is not strict.</exception>
    public static McpRequestFilter<CallToolRequestParams, CallToolResult> Create(EvidenceFirstExecutor executor, Gate<ToolCall> gate, McpToolGateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(gate);
        options ??= new McpToolGateOptions();
        ArgumentNullException.ThrowIfNull(options.Caller, "options.Caller");
        ArgumentNullException.ThrowIfNull(options.ActionPrefix, "options.ActionPrefix");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        if (options.RequireCatalogued && !executor.Catalog.IsStrict)
        {
            throw new ArgumentException(
                "The executor's action catalog is not strict, so a tool missing from it would run; build the catalog with Strict(), or set McpToolGateOptions.RequireCatalogued to false.",
                nameof(executor));
        }

        var filter = new Filter(
            executor,
            ToolCallGates.Compose(gate, options.RequireCaller, options.TimeProvider),
            ToolCallGates.ComposeForApprovedRun(gate, options.RequireCaller, options.TimeProvider),
            options);
        return filter.Wrap;
    }

    /// <summary>Adds the filter made by <see cref="Create"/> to <paramref name="serverOptions"/>' call-tool filters.</summary>
    /// <param name="serverOptions">The server's options.</param>
    /// <param name="executor">The executor that records and runs each call.</param>
    /// <param name="gate">The gate every call must pass.</param>
    /// <param name="options">The options; the defaults when null.</param>
    /// <returns><paramref name="serverOptions"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serverOptions"/>, <paramref name="executor"/> or <paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentException">Catalogued tools are required but the executor's catalog is not strict.</exception>
    public static McpServerOptions AddToolGate(this McpServerOptions serverOptions, EvidenceFirstExecutor executor, Gate<ToolCall> gate, McpToolGateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serverOptions);
        serverOptions.Filters.Request.CallToolFilters.Add(Create(executor, gate, options));
        return serverOptions;
    }

    private const string InvalidToolAction = "(invalid tool name)";

    private sealed class Filter
    {
        private readonly EvidenceFirstExecutor _executor;
        private readonly Gate<ToolCall> _gate;
        private readonly Gate<ToolCall> _approvedGate;
        private readonly McpToolGateOptions _options;
        private readonly Dictionary<string, (GuardedAction<ToolCall> Action, GuardedAction<ToolCall> Approved)> _actions = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public Filter(EvidenceFirstExecutor executor, Gate<ToolCall> gate, Gate<ToolCall> approvedGate, McpToolGateOptions options)
        {
            _executor = executor;
            _gate = gate;
            _approvedGate = approvedGate;
            _options = options;
        }

        public McpRequestHandler<CallToolRequestParams, CallToolResult> Wrap(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
            (context, cancellationToken) => InvokeAsync(next, context, cancellationToken);

        private async ValueTask<CallToolResult> InvokeAsync(
            McpRequestHandler<CallToolRequestParams, CallToolResult> next,
            RequestContext<CallToolRequestParams> context,
            CancellationToken cancellationToken)
        {
            string toolName = context.Params?.Name is { Length: > 0 } name && !string.IsNullOrWhiteSpace(name) ? name : "(unnamed)";
            ToolCall call = Read(toolName, context);
            (GuardedAction<ToolCall> action, GuardedAction<ToolCall> approved) = ActionsFor(toolName);
            GuardedResult<CallToolResult> result;
            if (context.Params?.Meta is { } meta && meta.TryGetPropertyValue(ReviewTicketMetaKey, out JsonNode? reference))
            {
                string ticketId = TicketIdOf(reference);
                ValueTask<GuardedResult<CallToolResult>> pending;
                try
                {
                    pending = _executor.ExecuteApprovedAsync(ticketId, approved, call, (_, ct) => next(context, ct), cancellationToken);
                }
                catch (InvalidOperationException)
                {
                    // No review queue, so nothing was approved here; the call named a ticket, so it is not quietly
                    // judged as an ordinary call instead.
                    GateDecision refused = GateDecision.Deny(
                        "review",
                        "The call names review ticket '" + ticketId + "', but the executor has no review queue.",
                        GateCodes.ReviewNotApproved);
                    return Blocked(call, refused, null, cancellationToken);
                }

                result = await pending.ConfigureAwait(false);
            }
            else
            {
                result = await _executor.ExecuteAsync(
                    action,
                    call,
                    (Next: next, Context: context),
                    static (_, state, ct) => state.Next(state.Context, ct),
                    cancellationToken).ConfigureAwait(false);
            }

            return result.Executed ? result.Value : Blocked(call, result.Decision, result.ReviewTicket, cancellationToken);
        }

        private CallToolResult Blocked(ToolCall call, GateDecision decision, ReviewTicket? ticket, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _options.Logger?.ToolCallBlocked(call.Describe(), call.CallId, decision.Gate, decision.Code, decision.Verdict);
            return new CallToolResult
            {
                IsError = true,
                // Text only: structured content would have to match the tool's output schema, and a block has none.
                Content = [new TextContentBlock { Text = ToolCallBlock.Describe(decision, ticket) }],
            };
        }

        /// <summary>The ticket id a request names: a string; anything else names no ticket and is refused by the queue lookup.</summary>
        private static string TicketIdOf(JsonNode? reference)
        {
            string? id = reference is JsonValue value && value.TryGetValue(out string? text) ? text : null;
            return string.IsNullOrWhiteSpace(id) ? "(not a ticket id)" : id;
        }

        private (GuardedAction<ToolCall> Action, GuardedAction<ToolCall> Approved) ActionsFor(string toolName)
        {
            lock (_lock)
            {
                // One action per tool name; names not in the catalog are blocked by the executor, so the map holds
                // at most the catalog plus the names callers tried.
                if (!_actions.TryGetValue(toolName, out (GuardedAction<ToolCall> Action, GuardedAction<ToolCall> Approved) actions))
                {
                    try
                    {
                        string name = _options.ActionPrefix + toolName;
                        actions = (ToolCallActions.Create(name, _gate), ToolCallActions.Create(name, _approvedGate));
                    }
                    catch (ArgumentException)
                    {
                        // A name that cannot go into evidence (a control character, too long) is never catalogued:
                        // record the call under a fixed name, which the strict catalog then refuses.
                        actions = (ToolCallActions.Create(InvalidToolAction, _gate), ToolCallActions.Create(InvalidToolAction, _approvedGate));
                    }
                    if (_actions.Count < 4096)
                    {
                        _actions[toolName] = actions;
                    }
                }

                return actions;
            }
        }

        private ToolCall Read(string toolName, RequestContext<CallToolRequestParams> context)
        {
            string? callId = context.JsonRpcRequest?.Id.ToString();
            VerifiedIdentity? caller;
            try
            {
                caller = _options.Caller(context.User);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return ToolCall.Unreadable(toolName, null, callId, "The caller could not be resolved: " + exception.GetType().FullName + " was thrown.");
            }

            IDictionary<string, JsonElement>? arguments = context.Params?.Arguments;
            return new ToolCall(toolName, arguments is null ? null : new Dictionary<string, JsonElement>(arguments, StringComparer.Ordinal), caller, callId);
        }
    }
}

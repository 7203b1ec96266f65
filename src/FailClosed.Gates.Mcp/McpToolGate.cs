using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FailClosed.Gates.Mcp;

/// <summary>
/// A call-tool request filter that runs every <c>tools/call</c> through an <see cref="EvidenceFirstExecutor"/>. Any tool
/// not in the catalog is denied, the caller is read from the request's user, and a block is answered as a tool
/// result with <see cref="CallToolResult.IsError"/> set and the code in its text — never as a protocol error.
/// </summary>
public static class McpToolGate
{
    private static readonly Gate<ToolCall> WellFormed = Gate.From<ToolCall>(
        "tool-arguments",
        static call => call.IsWellFormed
            ? GateDecision.Allow("tool-arguments")
            : GateDecision.Indeterminate("tool-arguments", GateCodes.Malformed, call.MalformedReason));

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

        Gate<ToolCall> composed = options.RequireCaller
            ? Gate.All("tool-call", WellFormed, Gate.RequireIdentity<ToolCall>("tool-caller", static call => call.Caller, options.TimeProvider), gate)
            : Gate.All("tool-call", WellFormed, gate);
        var filter = new Filter(executor, composed, options);
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
        private readonly McpToolGateOptions _options;
        private readonly Dictionary<string, GuardedAction<ToolCall>> _actions = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public Filter(EvidenceFirstExecutor executor, Gate<ToolCall> gate, McpToolGateOptions options)
        {
            _executor = executor;
            _gate = gate;
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
            GuardedAction<ToolCall> action = ActionFor(toolName);
            GuardedResult<CallToolResult> result = await _executor.ExecuteAsync(
                action,
                call,
                (Next: next, Context: context),
                static (_, state, ct) => state.Next(state.Context, ct),
                cancellationToken).ConfigureAwait(false);
            if (result.Executed)
            {
                return result.Value;
            }

            cancellationToken.ThrowIfCancellationRequested();
            ReviewTicket? ticket = result.ReviewTicket;
            _options.Logger?.ToolCallBlocked(call.Describe(), result.Decision.Gate, result.Decision.Code, result.Decision.Verdict);
            return new CallToolResult
            {
                IsError = true,
                // Text only: structured content would have to match the tool's output schema, and a block has none.
                Content = [new TextContentBlock { Text = ToolCallBlock.Describe(result.Decision, ticket) }],
            };
        }

        private GuardedAction<ToolCall> ActionFor(string toolName)
        {
            lock (_lock)
            {
                // One action per tool name; names not in the catalog are blocked by the executor, so the map holds
                // at most the catalog plus the names callers tried.
                if (!_actions.TryGetValue(toolName, out GuardedAction<ToolCall>? action))
                {
                    try
                    {
                        action = ToolCallActions.Create(_options.ActionPrefix + toolName, _gate);
                    }
                    catch (ArgumentException)
                    {
                        // A name that cannot go into evidence (a control character, too long) is never catalogued:
                        // record the call under a fixed name, which the strict catalog then refuses.
                        action = ToolCallActions.Create(InvalidToolAction, _gate);
                    }

                    if (_actions.Count < 4096)
                    {
                        _actions[toolName] = action;
                    }
                }

                return action;
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

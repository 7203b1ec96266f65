using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.AI;

/// <summary>Options of a <see cref="GatedAIFunction"/>.</summary>
public sealed class GatedToolOptions
{
    /// <summary>
    /// Gets or sets whether a tool must be in the executor's action catalog. When set, the executor's catalog must be
    /// strict, so an uncatalogued tool is blocked with <see cref="GateCodes.ActionUnclassified"/> and recorded.
    /// </summary>
    /// <value><see langword="true"/> by default.</value>
    public bool RequireCatalogued { get; set; } = true;

    /// <summary>
    /// Gets or sets whether every call needs a verified caller whose credential has not expired; a call without one is
    /// blocked with <see cref="GateCodes.IdentityMissing"/>.
    /// </summary>
    /// <value><see langword="true"/> by default.</value>
    public bool RequireCaller { get; set; } = true;

    /// <summary>
    /// Gets or sets how the verified caller of a call is found, for example the agent's workload identity. A resolver that
    /// throws makes the call <see cref="GateCodes.Malformed"/>.
    /// </summary>
    /// <value><see langword="null"/> (no caller) by default.</value>
    public Func<AIFunctionArguments, VerifiedIdentity?>? Caller { get; set; }

    /// <summary>
    /// Gets or sets how the call id of a call is found; with <c>FunctionInvokingChatClient</c>:
    /// <c>_ =&gt; FunctionInvokingChatClient.CurrentContext?.CallContent.CallId</c>.
    /// </summary>
    /// <value><see langword="null"/> (no call id) by default.</value>
    public Func<AIFunctionArguments, string?>? CallId { get; set; }

    /// <summary>
    /// Gets or sets a callback run after a call is blocked, before its result text is returned; with
    /// <c>FunctionInvokingChatClient</c>, setting <c>CurrentContext.Terminate</c> here stops the function-invocation loop.
    /// </summary>
    /// <value><see langword="null"/> by default.</value>
    public Action<ToolCallBlocked>? OnBlocked { get; set; }

    /// <summary>Gets or sets the prefix of a tool's action name in the catalog; the action is the prefix and the tool's name.</summary>
    /// <value>Empty by default: the action is the tool's name.</value>
    public string ActionPrefix { get; set; } = string.Empty;

    /// <summary>Gets or sets the logger blocks are written to.</summary>
    /// <value><see langword="null"/> (no logging) by default.</value>
    public ILogger? Logger { get; set; }

    /// <summary>Gets or sets the clock that judges credential expiry and stamps review requests.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

namespace FailClosed.Gates;

/// <summary>Builds the guarded action of a tool, as the AI and MCP wrappers run it.</summary>
public static class ToolCallActions
{
    /// <summary>
    /// Creates the guarded action of one tool: the subject is <see cref="ToolCall.Describe"/> (an argument digest, never
    /// arguments), the requester is the verified caller, and a review ticket is bound to the tool, the caller and the
    /// argument digest — not to the call id, so an approval holds when the same call is re-issued under a new one.
    /// </summary>
    /// <param name="action">The action name, as catalogued.</param>
    /// <param name="gate">The gate every call must pass.</param>
    /// <returns>The action; with an approval rule in the catalog, an indeterminate block is escalated for review.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="action"/> breaks the name rule.</exception>
    public static GuardedAction<ToolCall> Create(string action, Gate<ToolCall> gate) =>
        new(action, gate, static call => call.Describe())
        {
            Requester = static call => call.Caller?.Subject,
            RequestFacts = static call => [new("tool", call.ToolName), new("arguments", call.ArgumentsDigest)],
        };
}

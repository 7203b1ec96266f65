using Microsoft.Extensions.AI;

namespace FailClosed.Gates.AI;

/// <summary>Wraps tools so their invocations run through the evidence-first executor.</summary>
public static class GatedToolExtensions
{
    /// <summary>Wraps <paramref name="function"/> in a <see cref="GatedAIFunction"/>.</summary>
    /// <param name="function">The tool.</param>
    /// <param name="executor">The executor that records and runs each invocation.</param>
    /// <param name="gate">The gate every invocation must pass.</param>
    /// <param name="options">The options; the defaults when null.</param>
    /// <returns>The gated tool.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/>, <paramref name="executor"/> or <paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentException">Catalogued tools are required but the executor's catalog is not strict.</exception>
    public static GatedAIFunction WithGate(this AIFunction function, EvidenceFirstExecutor executor, Gate<ToolCall> gate, GatedToolOptions? options = null) =>
        new(function, executor, gate, options);

    /// <summary>Wraps every tool of <paramref name="tools"/> in a <see cref="GatedAIFunction"/> sharing one executor, gate and options.</summary>
    /// <param name="tools">The tools; each must be an <see cref="AIFunction"/>, since only those are invoked here and can be gated.</param>
    /// <param name="executor">The executor that records and runs each invocation.</param>
    /// <param name="gate">The gate every invocation must pass; it can tell the tools apart by <see cref="ToolCall.ToolName"/>.</param>
    /// <param name="options">The options; the defaults when null.</param>
    /// <returns>A new list of the gated tools, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tools"/>, a tool, <paramref name="executor"/> or <paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentException">A tool is not an <see cref="AIFunction"/>, or catalogued tools are required but the executor's catalog is not strict.</exception>
    public static IList<AITool> WithGates(this IEnumerable<AITool> tools, EvidenceFirstExecutor executor, Gate<ToolCall> gate, GatedToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var gated = new List<AITool>();
        foreach (AITool tool in tools)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (tool is not AIFunction function)
            {
                throw new ArgumentException(
                    "The tool '" + tool.Name + "' is a " + tool.GetType().FullName + ", not an AIFunction, so its invocations do not pass through this process and cannot be gated; remove it or serve it as a function.",
                    nameof(tools));
            }

            gated.Add(new GatedAIFunction(function, executor, gate, options));
        }

        return gated;
    }
}

using System.Runtime.InteropServices;
using Polly;

namespace FailClosed.Gates.Polly;

/// <summary>The arguments of a gate block, as <see cref="GateStrategyOptions{TContext}.OnBlocked"/> and Polly's telemetry see them.</summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct OnGateBlockedArguments
{
    /// <summary>Initializes a new instance of the <see cref="OnGateBlockedArguments"/> struct.</summary>
    /// <param name="context">The context of the blocked execution.</param>
    /// <param name="exception">The exception the execution's outcome carries.</param>
    public OnGateBlockedArguments(ResilienceContext context, GateBlockedException exception)
    {
        Context = context;
        Exception = exception;
    }

    /// <summary>Gets the context of the blocked execution.</summary>
    public ResilienceContext Context { get; }

    /// <summary>Gets the exception the execution's outcome carries: the action, the decision, the execution id and any review ticket.</summary>
    public GateBlockedException Exception { get; }

    /// <summary>Gets the decision that blocked the execution.</summary>
    public GateDecision Decision => Exception.Decision;
}

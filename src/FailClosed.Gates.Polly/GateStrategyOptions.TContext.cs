using System.ComponentModel.DataAnnotations;
using Polly;

namespace FailClosed.Gates.Polly;

/// <summary>Configures a gate strategy: the executor, the guarded action and how its context is read from a Polly execution.</summary>
/// <typeparam name="TContext">The type of the value the gate judges.</typeparam>
public sealed class GateStrategyOptions<TContext> : ResilienceStrategyOptions
{
    /// <summary>Initializes a new instance of the <see cref="GateStrategyOptions{TContext}"/> class.</summary>
    public GateStrategyOptions()
    {
        Name = GateStrategyConstants.DefaultName;
    }

    /// <summary>Gets or sets the executor that classifies the action, asks its gate and writes the evidence.</summary>
    /// <value>Required: <see langword="null"/> by default, which fails validation when the pipeline is built.</value>
    [Required]
    public EvidenceFirstExecutor? Executor { get; set; }

    /// <summary>Gets or sets the guarded action: its name (the catalog key) and the gate that must allow each execution.</summary>
    /// <value>Required: <see langword="null"/> by default, which fails validation when the pipeline is built.</value>
    [Required]
    public GuardedAction<TContext>? Action { get; set; }

    /// <summary>Gets or sets how the value the gate judges is read from an execution, usually from
    /// <see cref="ResilienceContext.Properties"/>.</summary>
    /// <value>Required: <see langword="null"/> by default, which fails validation when the pipeline is built. A factory
    /// that throws blocks the execution with <see cref="GateCodes.Fault"/>.</value>
    [Required]
    public Func<ResilienceContext, TContext>? ContextFactory { get; set; }

    /// <summary>Gets or sets a callback invoked after a block is reported to telemetry and before the execution ends.</summary>
    /// <value><see langword="null"/> by default. It cannot turn a block into a success: the outcome is fixed before it runs.
    /// An exception it throws propagates, as one from Polly's own <c>On*</c> callbacks does; the callback is still never reached.</value>
    public Func<OnGateBlockedArguments, ValueTask>? OnBlocked { get; set; }
}

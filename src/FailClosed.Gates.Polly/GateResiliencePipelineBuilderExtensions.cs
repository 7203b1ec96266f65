using System.Diagnostics.CodeAnalysis;
using FailClosed.Gates;
using FailClosed.Gates.Polly;

namespace Polly;

/// <summary>Adds a fail-closed gate to a resilience pipeline.</summary>
public static class GateResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds a gate strategy: every execution runs the rest of the pipeline through
    /// <see cref="GateStrategyOptions{TContext}.Executor"/> — classified, judged by the action's gate and announced by a
    /// durable Intent record first. A block ends the execution with an outcome carrying <see cref="GateBlockedException"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <typeparam name="TContext">The type of the value the gate judges.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The gate options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException"><paramref name="options"/> lacks the executor, the action or the context factory.</exception>
    /// <remarks>
    /// Strategies added earlier are outer ones. Add the gate first, outside retry, timeout and circuit breaker, so a
    /// block is never retried, never counted as a downstream failure, and each execution is judged and recorded once.
    /// </remarks>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026:Members annotated with 'RequiresUnreferencedCode' require dynamic access otherwise can break functionality when trimming application code",
        Justification = "The options' properties are preserved by DynamicDependency.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(GateStrategyOptions<>))]
    public static TBuilder AddGate<TBuilder, TContext>(this TBuilder builder, GateStrategyOptions<TContext> options)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(
            context => new GateResilienceStrategy<TContext>(
                options.Executor!,
                options.Action!,
                options.ContextFactory!,
                options.OnBlocked,
                context.Telemetry),
            options);
    }
}

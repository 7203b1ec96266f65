using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FailClosed.Gates.AspNetCore;

/// <summary>Puts a fail-closed gate in front of endpoints: one endpoint, a route group or every controller action.</summary>
public static class GateEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Runs each endpoint's handler as the side effect of a guarded action named after the endpoint, through the
    /// application's <see cref="EvidenceFirstExecutor"/>: classified, judged by <paramref name="gate"/>, announced by a
    /// durable Intent record, then run. A block is answered with problem details: 403 for a deny, 503 otherwise.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <typeparam name="TContext">The type of the value the gate judges.</typeparam>
    /// <param name="builder">The endpoint, group or controllers.</param>
    /// <param name="gate">The gate that must allow each request.</param>
    /// <param name="contextFactory">Builds the value the gate judges from the request and the handler's arguments; one
    /// that throws blocks the request with <see cref="GateCodes.Fault"/>.</param>
    /// <param name="describeSubject">Turns that value into a short, secret-free subject for evidence; when null,
    /// records carry no subject.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="gate"/> or
    /// <paramref name="contextFactory"/> is null.</exception>
    /// <remarks>
    /// The action's name is the endpoint's name (<c>WithName</c>, <c>[EndpointName]</c> or a route name); a request to
    /// an unnamed endpoint fails with <see cref="InvalidOperationException"/> and its handler does not run. Building
    /// the endpoint fails when no <see cref="EvidenceFirstExecutor"/> is registered.
    /// </remarks>
    public static TBuilder RequireGate<TBuilder, TContext>(
        this TBuilder builder,
        Gate<TContext> gate,
        Func<EndpointFilterInvocationContext, TContext> contextFactory,
        Func<TContext, string?>? describeSubject = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(contextFactory);
        return Add(builder, GuardedActionSource<TContext>.NamedByEndpoint(gate, describeSubject), contextFactory);
    }

    /// <summary>
    /// Runs each endpoint's handler as the side effect of <paramref name="action"/>, through the application's
    /// <see cref="EvidenceFirstExecutor"/>: classified, judged by the action's gate, announced by a durable Intent
    /// record, then run. A block is answered with problem details: 403 for a deny, 503 otherwise.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <typeparam name="TContext">The type of the value the gate judges.</typeparam>
    /// <param name="builder">The endpoint, group or controllers.</param>
    /// <param name="action">The guarded action: its name (the catalog key), gate and subject describer.</param>
    /// <param name="contextFactory">Builds the value the gate judges from the request and the handler's arguments; one
    /// that throws blocks the request with <see cref="GateCodes.Fault"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="action"/> or
    /// <paramref name="contextFactory"/> is null.</exception>
    /// <remarks>Building the endpoint fails when no <see cref="EvidenceFirstExecutor"/> is registered.</remarks>
    public static TBuilder RequireGate<TBuilder, TContext>(
        this TBuilder builder,
        GuardedAction<TContext> action,
        Func<EndpointFilterInvocationContext, TContext> contextFactory)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(contextFactory);
        return Add(builder, GuardedActionSource<TContext>.Given(action), contextFactory);
    }

    private static TBuilder Add<TBuilder, TContext>(
        TBuilder builder,
        GuardedActionSource<TContext> actions,
        Func<EndpointFilterInvocationContext, TContext> contextFactory)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory((factoryContext, next) =>
            new GateEndpointFilter<TContext>(factoryContext, next, actions, contextFactory).InvokeAsync);
        builder.WithMetadata(GateEndpointMetadata.Instance);
        return builder;
    }
}

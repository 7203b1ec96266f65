using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FailClosed.Gates.AspNetCore;

/// <summary>
/// Runs one endpoint's handler as the side effect of a guarded action, through the application's
/// <see cref="EvidenceFirstExecutor"/>; answers a block with problem details.
/// </summary>
/// <typeparam name="TContext">The type of the value the gate judges.</typeparam>
internal sealed class GateEndpointFilter<TContext>
{
    /// <summary>The gate name of a block caused by a context factory that threw.</summary>
    public const string ContextGateName = "endpoint-context";

    private readonly EvidenceFirstExecutor _executor;
    private readonly GuardedActionSource<TContext> _actions;
    private readonly Func<EndpointFilterInvocationContext, TContext> _contextFactory;
    private readonly EndpointFilterDelegate _next;
    private readonly string _retryAfter;
    private readonly Func<GateProblemContext, ValueTask>? _onBlocked;
    private readonly ILogger _logger;

    public GateEndpointFilter(
        EndpointFilterFactoryContext factoryContext,
        EndpointFilterDelegate next,
        GuardedActionSource<TContext> actions,
        Func<EndpointFilterInvocationContext, TContext> contextFactory)
    {
        IServiceProvider services = factoryContext.ApplicationServices;
        _executor = services.GetService<EvidenceFirstExecutor>()
            ?? throw new InvalidOperationException(
                "RequireGate needs an EvidenceFirstExecutor service, and none is registered: add one, such as services.AddSingleton(new EvidenceFirstExecutor(evidenceSink, options)), so gated endpoints share its evidence sink and action catalog.");
        GateEndpointOptions options = services.GetService<IOptions<GateEndpointOptions>>()?.Value ?? new GateEndpointOptions();
        GateEndpointOptionsValidator.ThrowIfInvalid(options);
        _retryAfter = ((long)Math.Ceiling(options.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        _onBlocked = options.OnBlocked;
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("FailClosed.Gates.AspNetCore") ?? NullLogger.Instance;
        _actions = actions;
        _contextFactory = contextFactory;
        _next = next;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation)
    {
        HttpContext httpContext = invocation.HttpContext;
        GuardedAction<TContext> action = _actions.For(httpContext);
        var call = new Call(_next, invocation);
        GuardedResult<object?> result;
        TContext context;
        try
        {
            context = _contextFactory(invocation);
        }
        catch (Exception exception)
        {
            // Same action name, so the catalog classifies it the same way; its gate can only say Indeterminate(Fault).
            var fault = new GuardedAction<Exception>(action.Name, Gate.From<Exception>(ContextGateName, ContextFault));
            result = await _executor.ExecuteAsync(fault, exception, call, static (_, c, _) => c.RunAsync(), httpContext.RequestAborted)
                .ConfigureAwait(false);
            return result.Executed ? result.Value : await BlockedAsync(httpContext, action.Name, result).ConfigureAwait(false);
        }

        // A handler that throws: the executor records the Outcome (its type only) and rethrows it unchanged.
        result = await _executor.ExecuteAsync(action, context, call, static (_, c, _) => c.RunAsync(), httpContext.RequestAborted)
            .ConfigureAwait(false);
        return result.Executed ? result.Value : await BlockedAsync(httpContext, action.Name, result).ConfigureAwait(false);
    }

    private async ValueTask<object?> BlockedAsync(HttpContext httpContext, string action, GuardedResult<object?> result)
    {
        GateDecision decision = result.Decision;
        string executionId = result.ExecutionId;
        string? ticketId = result.ReviewTicket?.Id;
        int status = GateProblemDetails.StatusCodeFor(decision);
        _logger.EndpointBlocked(action, httpContext.GetEndpoint()?.DisplayName, status, decision.Verdict, decision.Code, decision.Gate, executionId);

        ProblemDetails problem = GateProblemDetails.Create(action, decision, executionId, ticketId);
        if (_onBlocked is not null)
        {
            try
            {
                await _onBlocked(new GateProblemContext(httpContext, action, decision, executionId, result.ReviewTicket, problem)).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !httpContext.RequestAborted.IsCancellationRequested)
            {
                _logger.OnBlockedFailed(action, executionId, exception);
                problem = GateProblemDetails.Create(action, decision, executionId, ticketId);
            }

            GateProblemDetails.Enforce(problem, status, decision, executionId, ticketId);
        }

        if (GateProblemDetails.IsOutage(decision))
        {
            httpContext.Response.Headers.RetryAfter = _retryAfter;
        }

        return TypedResults.Problem(problem);
    }

    private static GateDecision ContextFault(Exception exception) => GateDecision.Indeterminate(
        ContextGateName,
        GateCodes.Fault,
        "The gate context could not be built from the request: " + exception.GetType().FullName + " was thrown.",
        exception);

    /// <summary>The rest of the endpoint's filter pipeline and its handler, as the executor's side effect.</summary>
    private readonly struct Call(EndpointFilterDelegate next, EndpointFilterInvocationContext invocation)
    {
        public ValueTask<object?> RunAsync() => next(invocation);
    }
}

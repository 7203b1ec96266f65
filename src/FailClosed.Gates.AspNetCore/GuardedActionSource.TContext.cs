using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FailClosed.Gates.AspNetCore;

/// <summary>The guarded action of a gated endpoint: given, or named after the endpoint.</summary>
/// <typeparam name="TContext">The type of the value the gate judges.</typeparam>
internal sealed class GuardedActionSource<TContext>
{
    private readonly GuardedAction<TContext>? _given;
    private readonly Gate<TContext>? _gate;
    private readonly Func<TContext, string?>? _describeSubject;
    private GuardedAction<TContext>? _named;

    private GuardedActionSource(GuardedAction<TContext>? given, Gate<TContext>? gate, Func<TContext, string?>? describeSubject)
    {
        _given = given;
        _gate = gate;
        _describeSubject = describeSubject;
    }

    public static GuardedActionSource<TContext> Given(GuardedAction<TContext> action) => new(action, null, null);

    public static GuardedActionSource<TContext> NamedByEndpoint(Gate<TContext> gate, Func<TContext, string?>? describeSubject) =>
        new(null, gate, describeSubject);

    /// <summary>Returns the action for a request to this endpoint.</summary>
    /// <exception cref="InvalidOperationException">The action is named after the endpoint and the endpoint has no name.</exception>
    public GuardedAction<TContext> For(HttpContext httpContext)
    {
        if (_given is not null)
        {
            return _given;
        }

        Endpoint? endpoint = httpContext.GetEndpoint();
        string? name = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidOperationException(
                "The gated endpoint '" + endpoint?.DisplayName + "' has no name, and its guarded action is named after it: name the endpoint (WithName, [EndpointName] or a route name) or pass a GuardedAction to RequireGate.");
        }

        // One filter serves one endpoint, so the name rarely changes; a race only builds an equal action twice.
        GuardedAction<TContext>? named = _named;
        if (named is null || !string.Equals(named.Name, name, StringComparison.Ordinal))
        {
            named = new GuardedAction<TContext>(name, _gate!, _describeSubject);
            _named = named;
        }

        return named;
    }
}

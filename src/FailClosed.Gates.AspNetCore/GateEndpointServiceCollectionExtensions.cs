using FailClosed.Gates.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures how gated endpoints answer a block.</summary>
public static class GateEndpointServiceCollectionExtensions
{
    /// <summary>Registers <see cref="GateEndpointOptions"/>, validated when the host starts; safe to call more than once.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options; may be null.</param>
    /// <returns>The same services.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddGateEndpoints(this IServiceCollection services, Action<GateEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GateEndpointOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GateEndpointOptions>, GateEndpointOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}

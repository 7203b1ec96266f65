using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FailClosed.Gates.Extensions;

/// <summary>Configures one <c>AddFailClosedGates</c> registration; every method returns the builder for chaining.</summary>
public sealed class FailClosedGatesBuilder
{
    internal FailClosedGatesBuilder(IServiceCollection services, string name)
    {
        Services = services;
        Name = name;
    }

    /// <summary>Gets the service collection the registration is added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Gets the registration name: empty for the default registration, else the key of its keyed services.</summary>
    public string Name { get; }

    /// <summary>Configures the registration's options in code; applied after configuration binding registered earlier.</summary>
    /// <param name="configure">Sets options.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    public FailClosedGatesBuilder Configure(Action<FailClosedGatesOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(Name, configure);
        return this;
    }

    /// <summary>Binds the registration's options to a configuration section, such as <c>configuration.GetSection("FailClosedGates")</c>.</summary>
    /// <param name="configuration">The section whose keys are <c>Evidence:Path</c>, <c>Catalog:Strict</c> and so on.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configuration"/> is null.</exception>
    public FailClosedGatesBuilder Configure(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Services.Configure<FailClosedGatesOptions>(Name, configuration);
        return this;
    }

    /// <summary>Appends evidence to process memory instead of a file journal; for tests and samples only.</summary>
    /// <returns>This builder.</returns>
    public FailClosedGatesBuilder UseInMemoryEvidence() => Configure(static options => options.Evidence.Store = EvidenceStore.InMemory);

    /// <summary>Queues refused requests in an <see cref="InMemoryReviewQueue"/> unless a review queue is already registered.</summary>
    /// <returns>This builder.</returns>
    public FailClosedGatesBuilder UseInMemoryReviewQueue()
    {
        if (Name.Length == 0)
        {
            Services.TryAddSingleton<IReviewQueue>(static sp => new InMemoryReviewQueue());
        }
        else
        {
            Services.TryAddKeyedSingleton<IReviewQueue>(Name, static (sp, _) => new InMemoryReviewQueue());
        }

        return this;
    }
}

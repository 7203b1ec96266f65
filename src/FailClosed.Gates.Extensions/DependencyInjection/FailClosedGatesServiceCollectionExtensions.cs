using FailClosed.Gates;
using FailClosed.Gates.Extensions;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FailClosed.Gates: the catalog, the evidence journal and its hosted lifecycle, policies, trust and the executor.</summary>
public static class FailClosedGatesServiceCollectionExtensions
{
    /// <summary>Adds the default registration with options configured elsewhere (for example with <c>services.Configure</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddFailClosedGates(this IServiceCollection services) =>
        AddFailClosedGates(services, Options.Options.DefaultName, static _ => { });

    /// <summary>Adds the default registration with options bound to <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section whose keys are <c>Evidence:Path</c>, <c>Catalog:Strict</c> and so on.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IServiceCollection AddFailClosedGates(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddFailClosedGates(services, Options.Options.DefaultName, builder => builder.Configure(configuration));
    }

    /// <summary>Adds the default registration and configures it.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the registration.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IServiceCollection AddFailClosedGates(this IServiceCollection services, Action<FailClosedGatesBuilder> configure) =>
        AddFailClosedGates(services, Options.Options.DefaultName, configure);

    /// <summary>
    /// Adds a registration named <paramref name="name"/>: its own journal, catalog and executor, resolved as keyed
    /// services with <paramref name="name"/> as key or through <see cref="EvidenceFirstExecutorProvider"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The registration name; empty for the default registration, whose services are not keyed.</param>
    /// <param name="configure">Configures the registration.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configure"/> is null.</exception>
    /// <remarks>
    /// Services are added with <c>TryAdd</c>, so the application's own registrations (a <see cref="TimeProvider"/>, an
    /// <see cref="ActionCatalog"/>, an <see cref="IReviewQueue"/>, an <see cref="ICheckpointAnchor"/>) win. Calling this
    /// again with the same name adds no service; only the new <paramref name="configure"/> runs. An
    /// <see cref="IReviewerDirectory"/> registered by the application (keyed by <paramref name="name"/>, or not keyed)
    /// supplies the reviewers' roles for approvals.
    /// </remarks>
    public static IServiceCollection AddFailClosedGates(this IServiceCollection services, string name, Action<FailClosedGatesBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);

        if (!IsRegistered(services, name))
        {
            AddShared(services);
            AddRegistration(services, name);
        }

        configure(new FailClosedGatesBuilder(services, name));
        return services;
    }

    private static bool IsRegistered(IServiceCollection services, string name)
    {
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(FailClosedGatesRegistration)
                && !descriptor.IsKeyedService
                && descriptor.ImplementationInstance is FailClosedGatesRegistration registration
                && registration.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private static void AddShared(IServiceCollection services)
    {
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FailClosedGatesOptions>, FailClosedGatesOptionsValidator>());
        services.TryAddSingleton(static sp => new FailClosedGatesMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(static sp => new EvidenceFirstExecutorProvider(sp, sp.GetServices<FailClosedGatesRegistration>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FailClosedGatesHostedService>(
            static sp => new FailClosedGatesHostedService(sp.GetRequiredService<EvidenceFirstExecutorProvider>())));
    }

    private static void AddRegistration(IServiceCollection services, string name)
    {
        services.AddSingleton(new FailClosedGatesRegistration(name));
        services.AddOptions<FailClosedGatesOptions>(name).ValidateOnStart();

        TryAdd(services, name, static (sp, name) => new HostedEvidenceJournal(
            name,
            Get(sp, name).Evidence,
            sp.GetRequiredService<TimeProvider>(),
            EvidenceFirstExecutorProvider.Resolve<ICheckpointAnchor>(sp, name),
            Logger(sp, "FailClosed.Gates.Evidence")));
        TryAdd<IEvidenceSink>(services, name, static (sp, name) => EvidenceFirstExecutorProvider.Resolve<HostedEvidenceJournal>(sp, name)!);
        TryAdd(services, name, static (sp, name) => BuildCatalog(Get(sp, name).Catalog));
        TryAdd(services, name, static (sp, name) => BuildVerification(Get(sp, name).Policies));
        if (name.Length == 0)
        {
            // A policy source exists only when a directory is configured; an absent one must not be a null service.
            services.TryAddSingleton<IPolicySource>(static sp => new FilePolicySource(RequirePolicyDirectory(Get(sp, string.Empty).Policies, string.Empty)));
        }
        else
        {
            services.TryAddKeyedSingleton<IPolicySource>(name, static (sp, key) => new FilePolicySource(RequirePolicyDirectory(Get(sp, (string)key!).Policies, (string)key!)));
        }

        TryAdd(services, name, static (sp, _) => new FailClosedGatesTelemetry(
            Logger(sp, "FailClosed.Gates.Executor"),
            sp.GetRequiredService<FailClosedGatesMetrics>(),
            new ExecutionStatistics(),
            sp.GetRequiredService<TimeProvider>()));
        TryAdd(services, name, static (sp, name) => CreateExecutor(sp, name));
    }

    private static EvidenceFirstExecutor CreateExecutor(IServiceProvider sp, string name)
    {
        FailClosedGatesOptions options = Get(sp, name);
        IReviewQueue? queue = EvidenceFirstExecutorProvider.Resolve<IReviewQueue>(sp, name) ?? sp.GetService<IReviewQueue>();
        return new EvidenceFirstExecutor(
            EvidenceFirstExecutorProvider.Resolve<IEvidenceSink>(sp, name)!,
            new EvidenceFirstExecutorOptions
            {
                Catalog = EvidenceFirstExecutorProvider.Resolve<ActionCatalog>(sp, name)!,
                ReviewQueue = queue,
                ReviewerDirectory = EvidenceFirstExecutorProvider.Resolve<IReviewerDirectory>(sp, name) ?? sp.GetService<IReviewerDirectory>(),
                TimeProvider = sp.GetRequiredService<TimeProvider>(),
                EvidenceWriteTimeout = options.Evidence.WriteTimeout,
                Telemetry = EvidenceFirstExecutorProvider.Resolve<FailClosedGatesTelemetry>(sp, name),
            });
    }

    private static FailClosedGatesOptions Get(IServiceProvider sp, string name) =>
        sp.GetRequiredService<IOptionsMonitor<FailClosedGatesOptions>>().Get(name);

    private static ILogger Logger(IServiceProvider sp, string category) =>
        (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(category);

    private static ActionCatalog BuildCatalog(CatalogOptions options)
    {
        if (!options.Strict && options.Actions.Count == 0)
        {
            return ActionCatalog.Empty;
        }

        ActionCatalogBuilder builder = ActionCatalog.CreateBuilder();
        foreach (GuardedActionOptions action in options.Actions)
        {
            builder.Add(action.Name!, action.FailOpen ? FailMode.Open(action.Justification!, action.ReviewBy!.Value) : FailMode.Closed);
        }

        if (options.Strict)
        {
            builder.Strict();
        }

        return builder.Build();
    }

    private static PolicyVerification BuildVerification(PolicyOptions options)
    {
        if (!options.RequireSignatures)
        {
            return PolicyVerification.DigestOnly;
        }

        var keys = new List<KeyValuePair<string, string>>(options.TrustedKeys.Count);
        foreach (KeyValuePair<string, string> key in options.TrustedKeys)
        {
            keys.Add(new(key.Key, File.ReadAllText(key.Value)));
        }

        return PolicyVerification.RequireSignature(PolicyTrustStore.FromPem(keys));
    }

    private static string RequirePolicyDirectory(PolicyOptions options, string name) =>
        options.Directory ?? throw new InvalidOperationException(
            $"The registration '{name}' has no Policies:Directory, so no policy source was configured; set Policies:Directory or register an IPolicySource.");

    private static void TryAdd<T>(IServiceCollection services, string name, Func<IServiceProvider, string, T> factory)
        where T : class
    {
        if (name.Length == 0)
        {
            services.TryAddSingleton(sp => factory(sp, string.Empty));
        }
        else
        {
            services.TryAddKeyedSingleton(name, (sp, key) => factory(sp, (string)key!));
        }
    }
}

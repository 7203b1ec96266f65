using FailClosed.Gates.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the FailClosed.Gates health check.</summary>
public static class FailClosedGatesHealthChecksBuilderExtensions
{
    private const string HealthCheckName = "failclosed-gates";

    /// <summary>
    /// Adds a check of the default registration's evidence path: Unhealthy while its journal is not open or has
    /// faulted, Degraded when appends are slow or review tickets pile up.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="tags">Tags for filtering checks, e.g. <c>"ready"</c>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="tags"/> is null.</exception>
    public static IHealthChecksBuilder AddFailClosedGates(this IHealthChecksBuilder builder, params string[] tags) =>
        AddFailClosedGates(builder, Options.Options.DefaultName, tags);

    /// <summary>Adds a check of registration <paramref name="registrationName"/>'s evidence path, named <c>failclosed-gates:{name}</c>.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="registrationName">The <c>AddFailClosedGates</c> registration name; empty for the default one.</param>
    /// <param name="tags">Tags for filtering checks, e.g. <c>["ready"]</c>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="registrationName"/> or <paramref name="tags"/> is null.</exception>
    public static IHealthChecksBuilder AddFailClosedGates(this IHealthChecksBuilder builder, string registrationName, IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(registrationName);
        ArgumentNullException.ThrowIfNull(tags);
        string name = registrationName.Length == 0 ? HealthCheckName : HealthCheckName + ":" + registrationName;
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new FailClosedGatesHealthCheck(
                sp.GetRequiredService<EvidenceFirstExecutorProvider>(),
                sp.GetRequiredService<IOptionsMonitor<FailClosedGatesOptions>>(),
                registrationName),
            failureStatus: null,
            tags));
    }
}

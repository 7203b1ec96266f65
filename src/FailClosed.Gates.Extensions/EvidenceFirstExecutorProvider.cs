using Microsoft.Extensions.DependencyInjection;

namespace FailClosed.Gates.Extensions;

/// <summary>
/// Gives the executor and the journal of each <c>AddFailClosedGates</c> registration by name, for hosts with several
/// journals; the default registration's name is the empty string.
/// </summary>
/// <remarks>A named registration's services are also keyed services with the name as key.</remarks>
public sealed class EvidenceFirstExecutorProvider
{
    private readonly IServiceProvider _services;
    private readonly string[] _names;

    internal EvidenceFirstExecutorProvider(IServiceProvider services, IEnumerable<FailClosedGatesRegistration> registrations)
    {
        _services = services;
        var names = new List<string>();
        foreach (FailClosedGatesRegistration registration in registrations)
        {
            names.Add(registration.Name);
        }

        _names = [.. names];
    }

    /// <summary>Gets the names of the registrations, in registration order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Gets the executor of registration <paramref name="name"/>.</summary>
    /// <param name="name">The registration name; empty for the default registration.</param>
    /// <returns>The registration's executor, created once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">No registration has that name.</exception>
    public EvidenceFirstExecutor GetExecutor(string name)
    {
        ThrowIfUnknown(name);
        return Resolve<EvidenceFirstExecutor>(_services, name)!;
    }

    /// <summary>Gets the hosted journal of registration <paramref name="name"/>, to watch or recover it.</summary>
    /// <param name="name">The registration name; empty for the default registration.</param>
    /// <returns>The registration's journal.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">No registration has that name.</exception>
    /// <exception cref="InvalidOperationException">The registration's executor uses an <see cref="IEvidenceSink"/> registered by the application instead.</exception>
    public HostedEvidenceJournal GetJournal(string name)
    {
        ThrowIfUnknown(name);
        return GetHostedJournal(name)
            ?? throw new InvalidOperationException($"The registration '{name}' appends to an evidence sink the application registered itself, not to a hosted journal.");
    }

    /// <summary>The hosted journal the registration's executor appends to, or null when the application replaced the sink.</summary>
    internal HostedEvidenceJournal? GetHostedJournal(string name) => Resolve<IEvidenceSink>(_services, name) as HostedEvidenceJournal;

    /// <summary>The statistics the registration's telemetry keeps for the health check.</summary>
    internal ExecutionStatistics GetStatistics(string name) =>
        Resolve<FailClosedGatesTelemetry>(_services, name)?.Statistics ?? new ExecutionStatistics();

    internal static T? Resolve<T>(IServiceProvider services, string name)
        where T : class =>
        name.Length == 0 ? services.GetService<T>() : services.GetKeyedService<T>(name);

    private void ThrowIfUnknown(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Array.IndexOf(_names, name) < 0)
        {
            throw new ArgumentException($"No AddFailClosedGates registration is named '{name}'; the registrations are: '{string.Join("', '", _names)}'.", nameof(name));
        }
    }
}

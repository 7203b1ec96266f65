using System.Collections.Concurrent;

namespace FailClosed.Gates;

/// <summary>A thread-safe policy source held in memory, keyed by name and version; for tests and embedded policies.</summary>
public sealed class InMemoryPolicySource : IPolicySource
{
    private readonly ConcurrentDictionary<(string Name, string Version), Entry> _entries = new();

    /// <summary>Stores <paramref name="content"/> as <paramref name="name"/> at <paramref name="version"/>, replacing what was there.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="version">The exact version.</param>
    /// <param name="content">The artifact bytes; copied.</param>
    /// <param name="signature">The detached signature, if any.</param>
    /// <returns>The pin of the stored bytes. A gate pinned to the bytes that were replaced will see a digest mismatch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="version"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="version"/> breaks the rules of the pin format.</exception>
    public PolicyPin Publish(string name, string version, ReadOnlySpan<byte> content, PolicySignature? signature = null)
    {
        PolicyPin pin = PolicyPin.FromContent(name, version, content);
        _entries[(name, version)] = new Entry(content.ToArray(), signature);
        return pin;
    }

    /// <summary>Removes what is stored as <paramref name="name"/> at <paramref name="version"/>.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="version">The exact version.</param>
    /// <returns><see langword="true"/> when something was removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="version"/> is null.</exception>
    public bool Remove(string name, string version)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        return _entries.TryRemove((name, version), out _);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="pin"/> is <c>default(PolicyPin)</c>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> is canceled.</exception>
    public ValueTask<PolicyArtifact?> TryLoadAsync(PolicyPin pin, CancellationToken cancellationToken)
    {
        if (pin.IsDefault)
        {
            throw new ArgumentException("default(PolicyPin) names no artifact.", nameof(pin));
        }

        cancellationToken.ThrowIfCancellationRequested();
        PolicyArtifact? artifact = _entries.TryGetValue((pin.Name, pin.Version), out Entry? entry)
            ? new PolicyArtifact(pin, entry.Content, entry.Signature)
            : null;
        return new ValueTask<PolicyArtifact?>(artifact);
    }

    private sealed record Entry(byte[] Content, PolicySignature? Signature);
}

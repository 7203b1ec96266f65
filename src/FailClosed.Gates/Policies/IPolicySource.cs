namespace FailClosed.Gates;

/// <summary>Delivers the bytes of exactly the policy artifact a pin names, or nothing.</summary>
/// <remarks>
/// A source never answers with another version, never resolves "latest" and never falls back to a default
/// policy: when the pinned name and version are absent it returns <see langword="null"/>. It need not check the
/// digest or the signature; the pinned gate does. It may throw; the pinned gate turns that into a block.
/// </remarks>
public interface IPolicySource
{
    /// <summary>Loads the artifact stored under <paramref name="pin"/>'s name and version.</summary>
    /// <param name="pin">The pin naming the artifact.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The artifact, or <see langword="null"/> when nothing is stored under that name and version.</returns>
    ValueTask<PolicyArtifact?> TryLoadAsync(PolicyPin pin, CancellationToken cancellationToken);
}

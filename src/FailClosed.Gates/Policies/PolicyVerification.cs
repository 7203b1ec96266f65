namespace FailClosed.Gates;

/// <summary>What a pinned gate checks besides the digest before it trusts a policy artifact.</summary>
/// <remarks>
/// The digest is always checked: it fixes the exact bytes. A signature additionally proves who published them,
/// which matters when pins themselves come from a less trusted place than the keys.
/// </remarks>
public sealed class PolicyVerification
{
    private PolicyVerification(PolicyTrustStore? trustStore)
    {
        TrustStore = trustStore;
    }

    /// <summary>Gets the verification that checks the digest only; signatures are ignored.</summary>
    public static PolicyVerification DigestOnly { get; } = new(trustStore: null);

    /// <summary>Gets the keys a signature must verify against, or <see langword="null"/> when signatures are not required.</summary>
    public PolicyTrustStore? TrustStore { get; }

    /// <summary>Gets a value indicating whether an artifact must carry a signature that verifies against <see cref="TrustStore"/>.</summary>
    public bool RequiresSignature => TrustStore is not null;

    /// <summary>Creates a verification that checks the digest and requires a signature by a key in <paramref name="trustStore"/>.</summary>
    /// <param name="trustStore">The trusted public keys.</param>
    /// <returns>The verification.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trustStore"/> is null.</exception>
    public static PolicyVerification RequireSignature(PolicyTrustStore trustStore)
    {
        ArgumentNullException.ThrowIfNull(trustStore);
        return new PolicyVerification(trustStore);
    }
}

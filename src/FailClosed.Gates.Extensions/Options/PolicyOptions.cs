namespace FailClosed.Gates.Extensions;

/// <summary>Where pinned policy artifacts come from and whose signatures are trusted.</summary>
public sealed class PolicyOptions
{
    /// <summary>Gets or sets the directory a <see cref="FilePolicySource"/> reads artifacts from.</summary>
    /// <value><see langword="null"/> by default: no policy source is registered.</value>
    public string? Directory { get; set; }

    /// <summary>Gets or sets a value indicating whether an artifact must carry a signature by a trusted key.</summary>
    /// <value><see langword="false"/> by default (<see cref="PolicyVerification.DigestOnly"/>); when set, <see cref="TrustedKeys"/> must not be empty.</value>
    public bool RequireSignatures { get; set; }

    /// <summary>Gets the trusted signing keys: key id to the path of a PEM file holding its ECDSA public key.</summary>
    public IDictionary<string, string> TrustedKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

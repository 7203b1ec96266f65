using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>
/// A detached ECDSA P-256 / SHA-256 signature over a policy artifact's bytes, and the id of the key that made it.
/// </summary>
/// <remarks>
/// <para>
/// The signature value is DER-encoded (RFC 3279), the form <c>openssl dgst -sha256 -sign</c> writes. Its text form,
/// used by <see cref="FilePolicySource"/> for <c>.sig</c> files, is two lines: the key id, then the base64 value.
/// </para>
/// <para>Instances are immutable.</para>
/// </remarks>
public sealed class PolicySignature
{
    private readonly byte[] _value;

    /// <summary>Initializes a new instance of the <see cref="PolicySignature"/> class.</summary>
    /// <param name="keyId">The id under which a <see cref="PolicyTrustStore"/> holds the public key; same rules as a pin's name.</param>
    /// <param name="value">The DER-encoded signature; copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> breaks the naming rules, or <paramref name="value"/> is empty.</exception>
    public PolicySignature(string keyId, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        string? error = PolicyPin.CheckSegment(keyId, "signing key id");
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(keyId));
        }

        if (value.IsEmpty)
        {
            throw new ArgumentException($"The signature by key '{keyId}' is empty; a signature must have bytes to verify.", nameof(value));
        }

        KeyId = keyId;
        _value = value.ToArray();
    }

    /// <summary>Gets the id of the signing key.</summary>
    public string KeyId { get; }

    /// <summary>Gets the DER-encoded signature.</summary>
    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>Signs <paramref name="content"/> with <paramref name="privateKey"/>; for publishing pipelines and tests.</summary>
    /// <param name="keyId">The id under which verifiers hold the matching public key.</param>
    /// <param name="content">The artifact bytes.</param>
    /// <param name="privateKey">An ECDSA key on the NIST P-256 curve with its private part.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> or <paramref name="privateKey"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> breaks the naming rules, or <paramref name="privateKey"/> is not a P-256 key.</exception>
    /// <exception cref="CryptographicException"><paramref name="privateKey"/> has no private part.</exception>
    public static PolicySignature Sign(string keyId, ReadOnlySpan<byte> content, ECDsa privateKey)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(privateKey);
        PolicyTrustStore.ThrowIfNotP256(privateKey, keyId, nameof(privateKey));
        byte[] value = privateKey.SignData(content, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new PolicySignature(keyId, value);
    }

    /// <summary>Parses the two-line text form: the key id, then the base64 DER signature.</summary>
    /// <param name="text">The text; surrounding white space and a trailing newline are ignored.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not two lines of a valid key id and base64.</exception>
    public static PolicySignature Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Trim().Split('\n');
        if (lines.Length != 2)
        {
            throw new FormatException($"A policy signature is two lines, a key id and a base64 signature; {lines.Length} line(s) were given.");
        }

        string keyId = lines[0].TrimEnd('\r');
        string? error = PolicyPin.CheckSegment(keyId, "signing key id");
        if (error is not null)
        {
            throw new FormatException(error);
        }

        byte[] value;
        try
        {
            value = Convert.FromBase64String(lines[1].TrimEnd('\r'));
        }
        catch (FormatException exception)
        {
            throw new FormatException($"The signature by key '{keyId}' is not valid base64.", exception);
        }

        if (value.Length == 0)
        {
            throw new FormatException($"The signature by key '{keyId}' is empty; a signature must have bytes to verify.");
        }

        return new PolicySignature(keyId, value);
    }

    /// <summary>Returns the two-line text form: the key id, a newline, the base64 signature and a newline.</summary>
    /// <returns>The text form, as written to a <c>.sig</c> file.</returns>
    public override string ToString() => $"{KeyId}\n{Convert.ToBase64String(_value)}\n";
}

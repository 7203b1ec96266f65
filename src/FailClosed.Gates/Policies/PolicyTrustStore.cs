using System.Collections.Frozen;
using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>
/// The public keys, by id, whose ECDSA P-256 / SHA-256 signatures a pinned gate accepts on a policy artifact.
/// </summary>
/// <remarks>
/// Immutable once created: rotating keys means building a new store and new gates, so a running gate's trust
/// never changes under it. Only public keys on the NIST P-256 curve are accepted; a PEM holding a private key is
/// refused, because a verifier has no business holding one.
/// </remarks>
public sealed class PolicyTrustStore
{
    private const string PublicKeyLabel = "PUBLIC KEY";
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private const string ParamName = "publicKeysPem";

    private readonly FrozenDictionary<string, byte[]> _keys;

    private PolicyTrustStore(FrozenDictionary<string, byte[]> keys)
    {
        _keys = keys;
    }

    /// <summary>Gets the ids of the trusted keys.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Creates a trust store from PEM-encoded (<c>-----BEGIN PUBLIC KEY-----</c>) P-256 public keys by key id.</summary>
    /// <param name="publicKeysPem">The key ids and their PEM text; at least one.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="publicKeysPem"/> is null or holds a null PEM.</exception>
    /// <exception cref="ArgumentException"><paramref name="publicKeysPem"/> is empty, repeats a key id, holds a key id
    /// that breaks the naming rules, or holds a PEM that is not exactly one P-256 public key.</exception>
    public static PolicyTrustStore FromPem(IEnumerable<KeyValuePair<string, string>> publicKeysPem)
    {
        ArgumentNullException.ThrowIfNull(publicKeysPem);
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> pair in publicKeysPem)
        {
            string? error = PolicyPin.CheckSegment(pair.Key ?? string.Empty, "signing key id");
            if (error is not null)
            {
                throw new ArgumentException(error, nameof(publicKeysPem));
            }

            ArgumentNullException.ThrowIfNull(pair.Value, nameof(publicKeysPem));
            if (keys.ContainsKey(pair.Key!))
            {
                throw new ArgumentException($"The signing key id '{pair.Key}' appears twice; each id must name exactly one key.", nameof(publicKeysPem));
            }

            keys.Add(pair.Key!, ImportPublicKey(pair.Key!, pair.Value));
        }

        if (keys.Count == 0)
        {
            throw new ArgumentException("A trust store needs at least one public key: an empty store could never verify a signature.", nameof(publicKeysPem));
        }

        return new PolicyTrustStore(keys.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>Throws when <paramref name="key"/> is not on the NIST P-256 curve.</summary>
    internal static void ThrowIfNotP256(ECDsa key, string keyId, string paramName)
    {
        ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
        if (!parameters.Curve.IsNamed || !string.Equals(parameters.Curve.Oid.Value, P256Oid, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The key '{keyId}' is on curve '{parameters.Curve.Oid.FriendlyName ?? parameters.Curve.Oid.Value}'; policy signatures use ECDSA on NIST P-256 only.",
                paramName);
        }
    }

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="content"/>; returns why it fails, or <see langword="null"/> when it verifies.</summary>
    internal string? Verify(ReadOnlySpan<byte> content, PolicySignature? signature)
    {
        if (signature is null)
        {
            return "The artifact has no signature, and this gate requires one.";
        }

        if (!_keys.TryGetValue(signature.KeyId, out byte[]? publicKey))
        {
            return $"The artifact is signed by key '{signature.KeyId}', which is not in the trust store.";
        }

        // A fresh key object per verification: verification runs once per load, and ECDsa instances are not documented as thread-safe.
        using ECDsa key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(publicKey, out _);
        bool valid;
        try
        {
            valid = key.VerifyData(content, signature.Value.Span, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            valid = false;
        }

        return valid ? null : $"The signature by key '{signature.KeyId}' does not verify over the artifact's bytes.";
    }

    private static byte[] ImportPublicKey(string keyId, string pem)
    {
        PemFields fields;
        try
        {
            fields = PemEncoding.Find(pem);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"The PEM for key '{keyId}' holds no PEM-encoded block.", ParamName, exception);
        }

        string label = pem[fields.Label];
        if (!string.Equals(label, PublicKeyLabel, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The PEM for key '{keyId}' is a '{label}'; a trust store holds '{PublicKeyLabel}' blocks only, never private keys.",
                ParamName);
        }

        if (pem.IndexOf("-----BEGIN", fields.Location.End.Value, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException($"The PEM for key '{keyId}' holds more than one block; give each key its own id.", ParamName);
        }

        using ECDsa key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (CryptographicException exception)
        {
            throw new ArgumentException($"The PEM for key '{keyId}' is not an ECDSA public key.", ParamName, exception);
        }

        ThrowIfNotP256(key, keyId, ParamName);
        return key.ExportSubjectPublicKeyInfo();
    }
}

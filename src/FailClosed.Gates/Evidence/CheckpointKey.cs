using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>
/// A named ECDSA P-256 key that signs or verifies journal checkpoints, in the C2SP signed-note form (signature
/// type <c>0x02</c>).
/// </summary>
/// <remarks>
/// The key id is the first four bytes of SHA-256 over the DER SubjectPublicKeyInfo, as c2sp.org/signed-note
/// specifies for ECDSA. A signer needs the private key; a verifier needs only the public key. The key is not
/// disposed by this type.
/// </remarks>
public sealed class CheckpointKey
{
    /// <summary>Initializes a new key.</summary>
    /// <param name="name">The key name, e.g. <c>audit.example.com/payments</c>; no spaces and no '+'.</param>
    /// <param name="key">An ECDSA key on NIST P-256.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or has a space or '+', or <paramref name="key"/> is not P-256.</exception>
    public CheckpointKey(string name, ECDsa key)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(key);
        foreach (char c in name)
        {
            if (char.IsWhiteSpace(c) || c == '+' || char.IsControl(c))
            {
                throw new ArgumentException($"The key name '{name}' has a space, a control character or a '+'; signed-note key names must not.", nameof(name));
            }
        }

        if (key.KeySize != 256)
        {
            throw new ArgumentException($"The checkpoint key '{name}' has {key.KeySize} bits; checkpoints are signed with ECDSA P-256.", nameof(key));
        }

        Name = name;
        Key = key;
        PublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        KeyId = SHA256.HashData(PublicKeyInfo).AsSpan(0, 4).ToArray();
    }

    /// <summary>Gets the key name written on the signature line.</summary>
    public string Name { get; }

    /// <summary>Gets the ECDSA key.</summary>
    public ECDsa Key { get; }

    internal byte[] PublicKeyInfo { get; }

    internal byte[] KeyId { get; }
}

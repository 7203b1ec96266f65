using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// A caller identity an authority has verified: who (<see cref="Subject"/>), verified by whom (<see cref="Issuer"/>),
/// and until when its credential holds (<see cref="ExpiresAt"/>). There is no anonymous identity.
/// </summary>
public sealed class VerifiedIdentity : IEquatable<VerifiedIdentity>
{
    /// <summary>Creates a verified identity.</summary>
    /// <param name="subject">The stable identifier of the caller, for example a workload or service account id.</param>
    /// <param name="issuer">The authority that verified the credential.</param>
    /// <param name="expiresAt">The instant the credential stops being valid.</param>
    /// <exception cref="ArgumentException"><paramref name="subject"/> or <paramref name="issuer"/> is null, empty or white space.</exception>
    public VerifiedIdentity(string subject, string issuer, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        Subject = subject;
        Issuer = issuer;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the stable identifier of the caller.</summary>
    public string Subject { get; }

    /// <summary>Gets the authority that verified the credential.</summary>
    public string Issuer { get; }

    /// <summary>Gets the instant the credential stops being valid; from this instant on the identity is missing.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Returns whether the credential has expired at <paramref name="now"/> (expiry is exclusive: at <see cref="ExpiresAt"/> it has).</summary>
    /// <param name="now">The current instant, from a <see cref="TimeProvider"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="now"/> is at or after <see cref="ExpiresAt"/>.</returns>
    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    /// <inheritdoc />
    public bool Equals(VerifiedIdentity? other) =>
        other is not null
        && string.Equals(Subject, other.Subject, StringComparison.Ordinal)
        && string.Equals(Issuer, other.Issuer, StringComparison.Ordinal)
        && ExpiresAt == other.ExpiresAt;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as VerifiedIdentity);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Subject, Issuer, ExpiresAt);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"'{Subject}' (verified by '{Issuer}', until {ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})");
}

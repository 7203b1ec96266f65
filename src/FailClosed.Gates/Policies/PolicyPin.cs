using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>
/// Names one exact policy artifact: its name, its version and the SHA-256 digest of its bytes.
/// </summary>
/// <remarks>
/// <para>
/// The text form is <c>name@version#sha256:&lt;64 hex&gt;</c>, for example
/// <c>payments-release@3#sha256:9f86d0…</c>. Names and versions are 1 to 128 ASCII letters, digits, <c>.</c>,
/// <c>-</c>, <c>_</c> or <c>+</c>, start with a letter or digit and never contain <c>..</c>, so a pin can never
/// name a path outside a policy directory. The digest is stored in lowercase.
/// </para>
/// <para>
/// <c>default(PolicyPin)</c> names nothing; every API that takes a pin refuses it. Equality is ordinal over the
/// three parts; to check artifact bytes against the digest use <see cref="IsDigestOf"/>, which compares in constant time.
/// </para>
/// </remarks>
public readonly record struct PolicyPin
{
    /// <summary>The longest name or version a pin accepts.</summary>
    public const int MaxSegmentLength = 128;

    private const string DigestPrefix = "sha256:";
    private const int DigestHexLength = SHA256.HashSizeInBytes * 2;

    /// <summary>Initializes a new instance of the <see cref="PolicyPin"/> struct.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="version">The exact version; there is no "latest".</param>
    /// <param name="sha256">The hex SHA-256 digest of the artifact bytes (64 characters, either case).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/>, <paramref name="version"/> or <paramref name="sha256"/> is null.</exception>
    /// <exception cref="ArgumentException">A part breaks the rules of the pin format.</exception>
    public PolicyPin(string name, string version, string sha256)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(sha256);
        ThrowIfInvalid(CheckSegment(name, "name"), nameof(name));
        ThrowIfInvalid(CheckSegment(version, "version"), nameof(version));
        ThrowIfInvalid(CheckDigest(sha256), nameof(sha256));
        Name = name;
        Version = version;
        Sha256 = sha256.ToLowerInvariant();
    }

    /// <summary>Gets the policy name; <see langword="null"/> only for <c>default(PolicyPin)</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the exact version; <see langword="null"/> only for <c>default(PolicyPin)</c>.</summary>
    public string Version { get; }

    /// <summary>Gets the lowercase hex SHA-256 digest of the artifact bytes; <see langword="null"/> only for <c>default(PolicyPin)</c>.</summary>
    public string Sha256 { get; }

    /// <summary>Gets a value indicating whether this is <c>default(PolicyPin)</c>, which names no artifact.</summary>
    internal bool IsDefault => Sha256 is null;

    /// <summary>Creates the pin of <paramref name="content"/> published as <paramref name="name"/> at <paramref name="version"/>.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="version">The exact version.</param>
    /// <param name="content">The artifact bytes.</param>
    /// <returns>The pin, with the SHA-256 digest of <paramref name="content"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="version"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="version"/> breaks the rules of the pin format.</exception>
    public static PolicyPin FromContent(string name, string version, ReadOnlySpan<byte> content)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, digest);
        return new PolicyPin(name, version, Convert.ToHexStringLower(digest));
    }

    /// <summary>Parses the text form <c>name@version#sha256:&lt;64 hex&gt;</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The pin.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a valid pin; the message names the broken rule.</exception>
    public static PolicyPin Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? error = TryParseCore(text, out PolicyPin pin);
        return error is null ? pin : throw new FormatException(error);
    }

    /// <summary>Tries to parse the text form <c>name@version#sha256:&lt;64 hex&gt;</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="pin">The pin when parsing succeeded; otherwise <c>default</c>.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid pin.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out PolicyPin pin)
    {
        if (text is null)
        {
            pin = default;
            return false;
        }

        return TryParseCore(text, out pin) is null;
    }

    /// <summary>Determines, in time independent of where they differ, whether <paramref name="content"/> hashes to this pin's digest.</summary>
    /// <param name="content">The artifact bytes.</param>
    /// <returns><see langword="true"/> when the SHA-256 of <paramref name="content"/> equals <see cref="Sha256"/>.</returns>
    /// <exception cref="InvalidOperationException">This is <c>default(PolicyPin)</c>.</exception>
    public bool IsDigestOf(ReadOnlySpan<byte> content)
    {
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, actual);
        return MatchesDigest(actual);
    }

    /// <summary>Deconstructs the pin into its three parts.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="version">The exact version.</param>
    /// <param name="sha256">The lowercase hex SHA-256 digest.</param>
    public void Deconstruct(out string name, out string version, out string sha256)
    {
        name = Name;
        version = Version;
        sha256 = Sha256;
    }

    /// <summary>Returns the text form <c>name@version#sha256:&lt;64 hex&gt;</c>.</summary>
    /// <returns>The text form, or the empty string for <c>default(PolicyPin)</c>.</returns>
    public override string ToString() => IsDefault ? string.Empty : $"{Name}@{Version}#{DigestPrefix}{Sha256}";

    /// <summary>Compares a SHA-256 digest with this pin's digest in constant time.</summary>
    internal bool MatchesDigest(ReadOnlySpan<byte> sha256)
    {
        if (IsDefault)
        {
            throw new InvalidOperationException("default(PolicyPin) names no artifact, so no bytes can match its digest.");
        }

        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        Convert.FromHexString(Sha256, expected, out _, out _);
        return CryptographicOperations.FixedTimeEquals(expected, sha256);
    }

    /// <summary>Returns <c>name@version</c>, the part of a pin that names a file.</summary>
    internal string ToLocator() => $"{Name}@{Version}";

    /// <summary>
    /// Whether <paramref name="c"/> may stand in a name or version: an ASCII letter or digit anywhere, and '.', '-',
    /// '_' or '+' after the first character. The one statement of the rule; the journal's canonical reader uses it too.
    /// </summary>
    internal static bool IsSegmentChar(char c, bool first) =>
        char.IsAsciiLetterOrDigit(c) || (!first && c is '.' or '-' or '_' or '+');

    /// <summary>Returns why <paramref name="value"/> is not a valid name or version, or <see langword="null"/> when it is.</summary>
    internal static string? CheckSegment(string value, string what)
    {
        if (value.Length == 0)
        {
            return $"A policy {what} must not be empty.";
        }

        if (value.Length > MaxSegmentLength)
        {
            return $"The policy {what} '{value[..32]}…' is {value.Length} characters long; at most {MaxSegmentLength} are allowed.";
        }

        if (value.Contains("..", StringComparison.Ordinal))
        {
            return $"The policy {what} '{value}' contains '..'; a pin must never name a path outside its policy directory.";
        }

        if (!IsSegmentChar(value[0], first: true))
        {
            return $"The policy {what} '{value}' must start with an ASCII letter or digit.";
        }

        foreach (char c in value)
        {
            if (c is '/' or '\\')
            {
                return $"The policy {what} '{value}' contains the path separator '{c}'; a pin must never name a path outside its policy directory.";
            }

            if (!IsSegmentChar(c, first: false))
            {
                return $"The policy {what} '{value}' contains '{c}'; only ASCII letters, digits, '.', '-', '_' and '+' are allowed.";
            }
        }

        return null;
    }

    private static string? CheckDigest(string sha256)
    {
        if (sha256.Length != DigestHexLength)
        {
            return $"The SHA-256 digest '{sha256}' has {sha256.Length} characters; a SHA-256 digest is exactly {DigestHexLength} hex characters.";
        }

        foreach (char c in sha256)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return $"The SHA-256 digest '{sha256}' contains '{c}', which is not a hex digit.";
            }
        }

        return null;
    }

    private static void ThrowIfInvalid(string? error, string paramName)
    {
        if (error is not null)
        {
            throw new ArgumentException(error, paramName);
        }
    }

    private static string? TryParseCore(string text, out PolicyPin pin)
    {
        pin = default;
        int at = text.IndexOf('@', StringComparison.Ordinal);
        int hash = text.IndexOf('#', StringComparison.Ordinal);
        if (at < 0 || hash < at)
        {
            return $"The policy pin '{text}' is not of the form 'name@version#sha256:<64 hex>'.";
        }

        string name = text[..at];
        string version = text[(at + 1)..hash];
        string digest = text[(hash + 1)..];
        if (!digest.StartsWith(DigestPrefix, StringComparison.Ordinal))
        {
            return $"The policy pin '{text}' does not name its digest as 'sha256:<64 hex>'; SHA-256 is the only supported algorithm.";
        }

        digest = digest[DigestPrefix.Length..];
        string? error = CheckSegment(name, "name") ?? CheckSegment(version, "version") ?? CheckDigest(digest);
        if (error is not null)
        {
            return error;
        }

        pin = new PolicyPin(name, version, digest);
        return null;
    }
}

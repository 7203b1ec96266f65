namespace FailClosed.Gates;

/// <summary>
/// Names one exact policy artifact: its name, its version and the SHA-256 digest of its bytes.
/// </summary>
/// <param name="Name">The policy name.</param>
/// <param name="Version">The exact version; there is no "latest".</param>
/// <param name="Sha256">The lowercase hex SHA-256 digest of the artifact bytes.</param>
public readonly record struct PolicyPin(string Name, string Version, string Sha256);

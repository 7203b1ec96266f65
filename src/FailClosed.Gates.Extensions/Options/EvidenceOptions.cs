namespace FailClosed.Gates.Extensions;

/// <summary>Where evidence records go and how long one write may take.</summary>
public sealed class EvidenceOptions
{
    /// <summary>Gets or sets the store.</summary>
    /// <value><see cref="EvidenceStore.File"/> by default.</value>
    public EvidenceStore Store { get; set; } = EvidenceStore.File;

    /// <summary>Gets or sets the journal file path; relative paths are resolved against the current directory.</summary>
    /// <value>Required for <see cref="EvidenceStore.File"/>.</value>
    public string? Path { get; set; }

    /// <summary>Gets or sets the journal's origin, the first line of every checkpoint, e.g. <c>audit.example.com/payments</c>.</summary>
    /// <value>Required for <see cref="EvidenceStore.File"/>.</value>
    public string? Origin { get; set; }

    /// <summary>Gets or sets the path of a PEM file holding the checkpoint signing key (an ECDSA P-256 private key).</summary>
    /// <value>Required for <see cref="EvidenceStore.File"/> unless <see cref="SigningKey"/> is set.</value>
    public string? SigningKeyPath { get; set; }

    /// <summary>Gets or sets the name of the checkpoint signing key, e.g. <c>audit.example.com/payments</c>.</summary>
    /// <value>The <see cref="Origin"/> when null.</value>
    public string? SigningKeyName { get; set; }

    /// <summary>Gets or sets the checkpoint signing key itself; takes precedence over <see cref="SigningKeyPath"/>.</summary>
    public CheckpointKey? SigningKey { get; set; }

    /// <summary>
    /// Gets the keys that signed checkpoints before a key rotation: key name to the path of a PEM file holding the
    /// old ECDSA P-256 key (the public key suffices). Opening then records the rotation and signs with the new key.
    /// </summary>
    public IDictionary<string, string> PreviousSigningKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets how many records may be appended before a checkpoint is written.</summary>
    /// <value>1024 by default; at least 1.</value>
    public int CheckpointEveryRecords { get; set; } = 1024;

    /// <summary>Gets or sets how often a checkpoint is written when records were appended since the last one.</summary>
    /// <value>One minute by default; positive, or <see cref="Timeout.InfiniteTimeSpan"/> for no timer.</value>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long one evidence write may take before it counts as an evidence outage.</summary>
    /// <value>Five seconds by default; positive and at most <see cref="EvidenceFirstExecutorOptions.MaxEvidenceWriteTimeout"/>.</value>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

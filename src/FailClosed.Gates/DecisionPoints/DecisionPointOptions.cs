namespace FailClosed.Gates;

/// <summary>Options of a decision-point gate.</summary>
public sealed class DecisionPointOptions
{
    /// <summary>Gets or sets how long the decision point may take to answer.</summary>
    /// <value>Two seconds by default; positive and at most <see cref="Gate.MaxTimeout"/>.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets the policy version the decision point must answer under. An allow under any other version, or
    /// under no stated version, blocks with <see cref="GateCodes.PolicyVersionMismatch"/>.
    /// </summary>
    /// <value><see langword="null"/> (not pinned) by default.</value>
    public string? PolicyVersion { get; set; }

    /// <summary>Gets or sets the clock the time limit is measured by.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

namespace FailClosed.Gates.Extensions;

/// <summary>Configures one registration of <c>AddFailClosedGates</c>: its evidence, catalog, policies and health.</summary>
/// <remarks>Bound from configuration (for example the <c>FailClosedGates</c> section) or set in code; validated when the host starts.</remarks>
public sealed class FailClosedGatesOptions
{
    /// <summary>Gets the evidence settings: where records go and how long a write may take.</summary>
    public EvidenceOptions Evidence { get; } = new();

    /// <summary>Gets the action catalog settings.</summary>
    public CatalogOptions Catalog { get; } = new();

    /// <summary>Gets the policy source and trust settings.</summary>
    public PolicyOptions Policies { get; } = new();

    /// <summary>Gets the health check thresholds.</summary>
    public HealthOptions Health { get; } = new();
}

namespace FailClosed.Gates;

/// <summary>A request the automated path refused, described for a reviewer.</summary>
/// <remarks>Like evidence, a request carries no secrets: the subject is the action's secret-free description.</remarks>
public sealed record ReviewRequest
{
    /// <summary>Gets the name of the guarded action.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the decision that refused the request.</summary>
    public required GateDecision Decision { get; init; }

    /// <summary>Gets the id of the refused execution, which its evidence records carry.</summary>
    public required string ExecutionId { get; init; }

    /// <summary>Gets the W3C trace id the execution ran in; <see langword="null"/> outside a trace.</summary>
    public string? TraceId { get; init; }

    /// <summary>Gets when the request was refused, from the executor's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>Gets a short, secret-free description of what the action acts on.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the pins of the policy artifacts that judged the request; empty when none did.</summary>
    public IReadOnlyList<PolicyPin> Pins { get; init; } = [];
}

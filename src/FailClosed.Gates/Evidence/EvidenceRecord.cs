namespace FailClosed.Gates;

/// <summary>
/// One append-only audit record: what was decided or done, by which gate, under which policy pins.
/// </summary>
/// <remarks>
/// Callers fill the content; the sink assigns <see cref="Sequence"/>, <see cref="PreviousHash"/> and
/// <see cref="Hash"/> when it appends. Keep secrets out of <see cref="Subject"/> and <see cref="Detail"/>:
/// evidence is kept forever and read by auditors.
/// <para>
/// Sinks hash the record's canonical encoding (version 1: compact UTF-8 JSON in a fixed property order, at most
/// 64 KiB; see docs/journal-format.md). <see cref="Timestamp"/> is kept in UTC; every string must be valid UTF-16,
/// and <see cref="Kind"/> and <see cref="Verdict"/> must be defined values, or the append is refused.
/// </para>
/// </remarks>
public sealed record EvidenceRecord
{
    /// <summary>Gets the position in the log, from 0; assigned by the sink.</summary>
    public long Sequence { get; init; }

    /// <summary>Gets when the record was made, from the writer's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the name of the guarded action.</summary>
    public required string Action { get; init; }

    /// <summary>Gets what the record records.</summary>
    public required EvidenceKind Kind { get; init; }

    /// <summary>Gets the verdict in force when the record was made.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>Gets the stable code (see <see cref="GateCodes"/>).</summary>
    public required string Code { get; init; }

    /// <summary>Gets the name of the gate that decided.</summary>
    public required string Gate { get; init; }

    /// <summary>Gets the pins of the policy artifacts that decided; empty when none did.</summary>
    public IReadOnlyList<PolicyPin> Pins { get; init; } = [];

    /// <summary>Gets a short, secret-free description of what the action acts on.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets the id that ties the records of one execution together; unique per execution.</summary>
    /// <value>For records written by <see cref="EvidenceFirstExecutor"/>, a UUIDv7 in its 36-character form.</value>
    public required string ExecutionId { get; init; }

    /// <summary>Gets the W3C trace id (32 lowercase hex characters) of the trace the execution ran in.</summary>
    /// <value><see langword="null"/> when the execution ran outside a W3C trace (no current <see cref="System.Diagnostics.Activity"/>).</value>
    public string? TraceId { get; init; }

    /// <summary>Gets extra facts for this kind of record, such as an exception type; never an exception message.</summary>
    public string? Detail { get; init; }

    /// <summary>Gets the lowercase hex hash of the previous record; assigned by the sink.</summary>
    public string PreviousHash { get; init; } = string.Empty;

    /// <summary>Gets the lowercase hex hash of this record's canonical encoding; assigned by the sink.</summary>
    public string Hash { get; init; } = string.Empty;
}

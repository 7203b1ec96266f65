namespace FailClosed.Gates;

/// <summary>
/// An entitlement source's answer: the ids it granted, the ids it refused, and whether it says the answer is complete.
/// An id it names in neither set is unanswered; an id in both is contradictory. Either makes the whole answer unusable.
/// </summary>
public sealed class EntitlementAnswer
{
    /// <summary>Creates an answer.</summary>
    /// <param name="granted">The ids the subject is entitled to.</param>
    /// <param name="refused">The ids the subject is not entitled to.</param>
    /// <param name="isComplete"><see langword="false"/> when the source knows its answer is partial (a page limit, a shard that did not answer).</param>
    /// <exception cref="ArgumentNullException"><paramref name="granted"/> or <paramref name="refused"/> is null.</exception>
    public EntitlementAnswer(IEnumerable<string> granted, IEnumerable<string> refused, bool isComplete = true)
    {
        ArgumentNullException.ThrowIfNull(granted);
        ArgumentNullException.ThrowIfNull(refused);
        Granted = new HashSet<string>(granted, StringComparer.Ordinal);
        Refused = new HashSet<string>(refused, StringComparer.Ordinal);
        IsComplete = isComplete;
    }

    /// <summary>Gets the ids the subject is entitled to.</summary>
    public IReadOnlySet<string> Granted { get; }

    /// <summary>Gets the ids the subject is not entitled to.</summary>
    public IReadOnlySet<string> Refused { get; }

    /// <summary>Gets whether the source says its answer is complete.</summary>
    public bool IsComplete { get; }

    /// <summary>Creates an answer the source itself knows to be partial; it never yields any item.</summary>
    /// <param name="granted">The ids the source granted before it stopped.</param>
    /// <returns>A partial answer.</returns>
    public static EntitlementAnswer Partial(IEnumerable<string> granted) => new(granted, [], isComplete: false);
}

using System.Runtime.InteropServices;

namespace FailClosed.Gates;

/// <summary>
/// What an <see cref="EntitlementFilter"/> returns: the entitled items of a complete answer, or no item at all with the
/// decision that says why.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct EntitlementResult
{
    private readonly IReadOnlyList<string>? _items;

    internal EntitlementResult(GateDecision decision, IReadOnlyList<string> items)
    {
        Decision = decision;
        _items = items;
    }

    /// <summary>Gets the decision: allowed for a complete, consistent answer; otherwise the block and its code.</summary>
    public GateDecision Decision { get; }

    /// <summary>Gets whether the answer was complete, so <see cref="Items"/> is exactly the entitled subset.</summary>
    public bool IsComplete => Decision.IsAllowed;

    /// <summary>Gets the requested ids the subject is entitled to, in request order; empty when the answer was not complete.</summary>
    public IReadOnlyList<string> Items => Decision.IsAllowed && _items is not null ? _items : [];

    /// <inheritdoc />
    public override string ToString() => IsComplete ? Items.Count + " item(s) under " + Decision.ToString() : "No items: " + Decision.ToString();
}

namespace FailClosed.Gates;

/// <summary>The three-valued outcome of a gate. Only <see cref="Allow"/> lets a guarded call proceed.</summary>
/// <remarks>
/// <see cref="Indeterminate"/> is zero on purpose: an uninitialized verdict blocks.
/// Any value other than <see cref="Allow"/>, including an undefined one, blocks.
/// </remarks>
public enum Verdict
{
    /// <summary>Confidence could not be established (a fault, a timeout, missing evidence). Blocks.</summary>
    Indeterminate = 0,

    /// <summary>A definite "no". Blocks, and is never turned into an allow by a fail-open exemption.</summary>
    Deny = 1,

    /// <summary>A definite "yes": every precondition positively asserted.</summary>
    Allow = 2,
}

namespace FailClosed.Gates.Testing;

/// <summary>How a <see cref="ChaosPolicySource"/> misbehaves.</summary>
public enum PolicySourceFault
{
    /// <summary>Answers what the inner source answers.</summary>
    None,

    /// <summary>Answers that the pinned policy does not exist.</summary>
    Missing,

    /// <summary>Answers the inner source's artifact with one bit flipped (a different bit each load, from the seed).</summary>
    FlipBit,

    /// <summary>Answers the inner source's artifact only after <see cref="ChaosPolicySource.SlowBy"/> on its clock.</summary>
    Slow,

    /// <summary>Throws.</summary>
    Throw,
}

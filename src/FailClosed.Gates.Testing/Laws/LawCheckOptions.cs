namespace FailClosed.Gates.Testing;

/// <summary>How many cases a law check tries and from which seed; immutable, passed to each check (no global configuration).</summary>
/// <remarks>
/// A failing check prints the seed it ran with; set <see cref="Seed"/> to that value to replay the same cases.
/// </remarks>
public sealed record LawCheckOptions
{
    /// <summary>Gets the options every check uses when given none: 100 cases, a fresh seed, sizes 1 to 100.</summary>
    public static LawCheckOptions Default { get; } = new();

    /// <summary>Gets the number of cases to try.</summary>
    /// <value>100 by default.</value>
    public int MaxTest { get; init; } = 100;

    /// <summary>Gets the seed of the random cases; null draws a fresh one, printed when the check fails.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Gets the size of the first case (how large generated values and trees may be).</summary>
    /// <value>1 by default.</value>
    public int StartSize { get; init; } = 1;

    /// <summary>Gets the size of the last case.</summary>
    /// <value>100 by default.</value>
    public int EndSize { get; init; } = 100;

    /// <summary>Gets how long, on the check's manual clock, a caller waits for a gate before it cancels.</summary>
    /// <value>One minute by default.</value>
    public TimeSpan CallerTimeout { get; init; } = TimeSpan.FromMinutes(1);

    internal void Validate()
    {
        if (MaxTest < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTest), MaxTest, $"A law check needs at least one case, but MaxTest was {MaxTest}.");
        }

        if (StartSize < 0 || EndSize < StartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(EndSize), EndSize, $"Sizes must satisfy 0 <= StartSize <= EndSize, but they were {StartSize} and {EndSize}.");
        }

        if (CallerTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CallerTimeout), CallerTimeout, $"The caller's timeout must be positive, but it was {CallerTimeout}.");
        }
    }
}

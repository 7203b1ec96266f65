namespace FailClosed.Gates.Testing;

/// <summary>Thrown by a law check that found a case breaking the law: the message holds the (shrunk) counterexample and the seed.</summary>
public sealed class LawViolationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LawViolationException"/> class.</summary>
    public LawViolationException()
        : this("A law was broken.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LawViolationException"/> class with a message.</summary>
    /// <param name="message">What was broken, by which case.</param>
    public LawViolationException(string message)
        : base(message)
    {
        Law = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="LawViolationException"/> class with a message and a cause.</summary>
    /// <param name="message">What was broken, by which case.</param>
    /// <param name="innerException">The report of the property runner.</param>
    public LawViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Law = string.Empty;
    }

    internal LawViolationException(string law, ulong seed, string report, Exception? innerException)
        : base(FormattableString.Invariant($"{law} does not hold. Replay with new LawCheckOptions {{ Seed = {seed} }}.{Environment.NewLine}{report}"), innerException)
    {
        Law = law;
        Seed = seed;
    }

    /// <summary>Gets the name of the law that was broken.</summary>
    public string Law { get; }

    /// <summary>Gets the seed the check ran with, to replay it through <see cref="LawCheckOptions.Seed"/>.</summary>
    public ulong? Seed { get; }
}

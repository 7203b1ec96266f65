namespace FailClosed.Gates.Testing;

/// <summary>Thrown by <see cref="EvidenceAssertions"/> when evidence is missing, out of order or does not verify.</summary>
public sealed class EvidenceAssertionException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="EvidenceAssertionException"/> class.</summary>
    public EvidenceAssertionException()
        : this("The evidence does not hold.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EvidenceAssertionException"/> class with a message.</summary>
    /// <param name="message">What is wrong with the evidence.</param>
    public EvidenceAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EvidenceAssertionException"/> class with a message and a cause.</summary>
    /// <param name="message">What is wrong with the evidence.</param>
    /// <param name="innerException">The cause.</param>
    public EvidenceAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

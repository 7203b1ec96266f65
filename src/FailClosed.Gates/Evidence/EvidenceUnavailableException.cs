namespace FailClosed.Gates;

/// <summary>
/// Thrown when an evidence sink cannot make a record durable or cannot be trusted; the action the record
/// announces must not run.
/// </summary>
/// <remarks>
/// <see cref="Code"/> is <see cref="GateCodes.EvidenceUnavailable"/> when the store could not write or flush (or is
/// faulted by an earlier failure), and <see cref="GateCodes.EvidenceTampered"/> when the store failed its
/// tamper-evidence checks (a broken chain, a bad frame before the tail, a checkpoint the log does not match).
/// </remarks>
public sealed class EvidenceUnavailableException : Exception
{
    /// <summary>Initializes a new instance with code <see cref="GateCodes.EvidenceUnavailable"/> and a default message.</summary>
    public EvidenceUnavailableException()
        : this(GateCodes.EvidenceUnavailable, "The evidence record could not be made durable.")
    {
    }

    /// <summary>Initializes a new instance with code <see cref="GateCodes.EvidenceUnavailable"/>.</summary>
    /// <param name="message">The message that describes the error.</param>
    public EvidenceUnavailableException(string message)
        : this(GateCodes.EvidenceUnavailable, message)
    {
    }

    /// <summary>Initializes a new instance with code <see cref="GateCodes.EvidenceUnavailable"/> and a cause.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public EvidenceUnavailableException(string message, Exception? innerException)
        : this(GateCodes.EvidenceUnavailable, message, innerException)
    {
    }

    /// <summary>Initializes a new instance with an explicit code.</summary>
    /// <param name="code">The <see cref="GateCodes"/> value the caller should block with.</param>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The failure that caused this one, if any.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> is null or empty.</exception>
    public EvidenceUnavailableException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
    }

    /// <summary>Gets the <see cref="GateCodes"/> value to block with.</summary>
    /// <value><see cref="GateCodes.EvidenceUnavailable"/> or <see cref="GateCodes.EvidenceTampered"/>.</value>
    public string Code { get; }
}

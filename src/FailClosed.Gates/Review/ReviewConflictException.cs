namespace FailClosed.Gates;

/// <summary>
/// Thrown by an <see cref="IReviewQueue"/> when a transition does not apply: the ticket is missing, another change
/// came first, or the change is not legal from the ticket's state. Nothing was changed.
/// </summary>
public sealed class ReviewConflictException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ReviewConflictException"/> class.</summary>
    public ReviewConflictException()
        : this("The review ticket changed or cannot make this change.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ReviewConflictException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ReviewConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ReviewConflictException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ReviewConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

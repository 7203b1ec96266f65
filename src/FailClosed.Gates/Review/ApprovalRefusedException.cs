namespace FailClosed.Gates;

/// <summary>Thrown when an approval or rejection breaks a rule; the vote does not count, and the refusal is recorded as evidence.</summary>
public sealed class ApprovalRefusedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ApprovalRefusedException"/> class.</summary>
    public ApprovalRefusedException()
        : this("The approval was refused.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ApprovalRefusedException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ApprovalRefusedException(string message)
        : base(message)
    {
        TicketId = string.Empty;
        Reviewer = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ApprovalRefusedException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ApprovalRefusedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        TicketId = string.Empty;
        Reviewer = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ApprovalRefusedException"/> class for a refused vote.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="reviewer">The reviewer whose vote was refused.</param>
    /// <param name="refusal">The rule the vote broke.</param>
    /// <param name="message">A whole sentence naming the rule.</param>
    /// <exception cref="ArgumentNullException"><paramref name="ticketId"/> or <paramref name="reviewer"/> is null.</exception>
    public ApprovalRefusedException(string ticketId, string reviewer, ApprovalRefusal refusal, string message)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        ArgumentNullException.ThrowIfNull(reviewer);
        TicketId = ticketId;
        Reviewer = reviewer;
        Refusal = refusal;
    }

    /// <summary>Gets the ticket id.</summary>
    public string TicketId { get; }

    /// <summary>Gets the reviewer whose vote was refused.</summary>
    public string Reviewer { get; }

    /// <summary>Gets the rule the vote broke.</summary>
    public ApprovalRefusal Refusal { get; }

    /// <summary>Gets the code of the refusal record: <see cref="GateCodes.ReviewRefused"/>.</summary>
    public string Code => GateCodes.ReviewRefused;
}

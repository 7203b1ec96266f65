namespace FailClosed.Gates.AI;

/// <summary>A tool call that was blocked, as passed to <see cref="GatedToolOptions.OnBlocked"/>.</summary>
public sealed class ToolCallBlocked
{
    internal ToolCallBlocked(ToolCall call, GateDecision decision, ReviewTicket? ticket, string resultText)
    {
        Call = call;
        Decision = decision;
        Ticket = ticket;
        ResultText = resultText;
    }

    /// <summary>Gets the blocked call.</summary>
    public ToolCall Call { get; }

    /// <summary>Gets the blocking decision.</summary>
    public GateDecision Decision { get; }

    /// <summary>Gets the review ticket the call was queued under, or <see langword="null"/>.</summary>
    public ReviewTicket? Ticket { get; }

    /// <summary>Gets the text returned to the model as the tool's result.</summary>
    public string ResultText { get; }
}

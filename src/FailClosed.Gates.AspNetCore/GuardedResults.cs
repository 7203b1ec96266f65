namespace FailClosed.Gates.AspNetCore;

/// <summary>Reads the ids a problem body carries from a result, in one place.</summary>
internal static class GuardedResults
{
    public static string ExecutionId<TResult>(GuardedResult<TResult> result) => result.CorrelationId;

    public static string? ReviewTicketId<TResult>(GuardedResult<TResult> result) => result.ReviewTicket?.Id;
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

/// <summary>Requests, transitions and ticket comparisons for review queue tests.</summary>
public static class Reviews
{
    public const string Requester = "requester";

    public static ReviewRequest Request(string ticketId, string action = "a", DateTimeOffset? at = null)
    {
        string description = "{\"action\":\"" + action + "\",\"requester\":\"requester\",\"facts\":{\"amount\":\"100\"}}";
        DateTimeOffset requestedAt = at ?? Records.Start;
        return new ReviewRequest
        {
            TicketId = ticketId,
            Action = action,
            Decision = GateDecision.Indeterminate("g", GateCodes.EscalatedForReview, "needs approval"),
            ExecutionId = "exec-" + ticketId,
            TraceId = "0af7651916cd43dd8448eb211c80319c",
            RequestedAt = requestedAt,
            ExpiresAt = requestedAt.AddDays(1),
            Requester = Requester,
            Subject = "invoice INV-1",
            Pins = [new PolicyPin("limits", "3", new string('a', 64))],
            RequestDescription = description,
            RequestDigest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description))),
        };
    }

    public static ReviewTransition Vote(string ticketId, int version, string reviewer, ReviewTicketState next, ReviewTransitionKind kind = ReviewTransitionKind.Approve)
    {
        DateTimeOffset at = Records.Start.AddHours(1).AddTicks(version);
        return new ReviewTransition
        {
            TicketId = ticketId,
            ExpectedVersion = version,
            Kind = kind,
            NewState = next,
            At = at,
            Vote = new ReviewVote(reviewer, "finance", at, "looks right"),
        };
    }

    public static ReviewTransition Claim(string ticketId, int version, ReviewTransitionKind kind = ReviewTransitionKind.Execute, ReviewTicketState next = ReviewTicketState.Executed) => new()
    {
        TicketId = ticketId,
        ExpectedVersion = version,
        Kind = kind,
        NewState = next,
        At = Records.Start.AddHours(2),
        Note = "Run as execution exec-2.",
    };

    /// <summary>Every fact of a ticket, times as UTC ticks, so two queues' tickets compare by value.</summary>
    public static string Describe(ReviewTicket? ticket) => ticket is null ? "(none)" : string.Join(
        " | ",
        ticket.Id,
        ticket.Action,
        ticket.ExecutionId,
        ticket.TraceId,
        ticket.Requester,
        ticket.Decision.Verdict,
        ticket.Decision.Code,
        ticket.Decision.Gate,
        ticket.Decision.Reason,
        ticket.Subject,
        string.Join(",", ticket.Pins),
        ticket.RequestDescription,
        ticket.RequestDigest,
        Ticks(ticket.CreatedAt),
        Ticks(ticket.ExpiresAt),
        ticket.State,
        ticket.Version,
        Votes(ticket.Approvals),
        Votes(ticket.Rejections),
        ticket.DecidedAt is { } decided ? Ticks(decided) : "-",
        ticket.Note);

    public static PostgreSqlReviewQueue Queue(string schema, NpgsqlDataSource dataSource, TimeProvider? clock = null) => new(new PostgreSqlReviewQueueOptions
    {
        DataSource = dataSource,
        Schema = schema,
        TimeProvider = clock ?? TimeProvider.System,
    });

    private static string Votes(IReadOnlyList<ReviewVote> votes) =>
        string.Join(";", votes.Select(static v => v.Reviewer + "/" + v.Role + "/" + Ticks(v.At) + "/" + v.Comment));

    private static string Ticks(DateTimeOffset time) => time.UtcTicks.ToString(CultureInfo.InvariantCulture);
}

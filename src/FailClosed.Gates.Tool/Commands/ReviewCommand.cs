using System.CommandLine;
using System.Globalization;

namespace FailClosed.Gates.Tool.Commands;

/// <summary><c>fcgate review list|show &lt;queue&gt;</c>: verify a review queue file and show its tickets.</summary>
internal static class ReviewCommand
{
    public static Command Create()
    {
        var review = new Command("review", "Verify a review queue file (a FileReviewQueue) and show its tickets.");
        review.Add(List());
        review.Add(Show());
        return review;
    }

    private static Command List()
    {
        Argument<string> queue = Queue();
        Option<string[]> keys = Keys();
        var all = new Option<bool>("--all", "-a") { Description = "List every ticket, not only the Pending and Approved ones." };
        var action = new Option<string>("--action") { Description = "List only tickets of this action.", HelpName = "name" };
        var command = new Command("list", "List the Pending and Approved tickets (or --all), oldest first: id, state, action, created, expires, requester, approvals. Exits 1 when the file does not verify.")
        {
            queue,
            keys,
            all,
            action,
        };
        command.SetAction((parse, _) =>
        {
            if (Read(parse, queue, keys) is not { } tickets)
            {
                return Task.FromResult(ExitCodes.Invalid);
            }

            var filter = new ReviewTicketFilter
            {
                States = parse.GetValue(all) ? null : [ReviewTicketState.Pending, ReviewTicketState.Approved],
                Action = parse.GetValue(action),
            };
            TextWriter output = parse.InvocationConfiguration.Output;
            int shown = 0;
            foreach (ReviewTicket ticket in tickets.Where(filter.Matches))
            {
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{ticket.Id}  {ticket.State,-8}  {ticket.Action}  created {Time(ticket.CreatedAt)}  expires {Time(ticket.ExpiresAt)}  requested by {ticket.Requester ?? "(unknown)"}  approvals {ticket.Approvals.Count}"));
                shown++;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shown} of {tickets.Count} tickets"));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Show()
    {
        Argument<string> queue = Queue();
        var ticketId = new Argument<string>("ticket") { Description = "The ticket id." };
        Option<string[]> keys = Keys();
        var command = new Command("show", "Show one ticket: the request description and digest, the refusing decision, every vote and its state. Exits 1 when the file does not verify.")
        {
            queue,
            ticketId,
            keys,
        };
        command.SetAction((parse, _) =>
        {
            if (Read(parse, queue, keys) is not { } tickets)
            {
                return Task.FromResult(ExitCodes.Invalid);
            }

            string id = parse.GetRequiredValue(ticketId);
            ReviewTicket ticket = tickets.FirstOrDefault(t => t.Id == id)
                ?? throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"the queue has no ticket '{id}'; it has {tickets.Count} tickets"));
            TextWriter output = parse.InvocationConfiguration.Output;
            output.WriteLine($"ticket      {ticket.Id}");
            output.WriteLine($"state       {ticket.State} (version {ticket.Version.ToString(CultureInfo.InvariantCulture)})");
            output.WriteLine($"action      {ticket.Action}");
            output.WriteLine($"requester   {ticket.Requester ?? "(unknown: it can never be approved)"}");
            output.WriteLine($"subject     {ticket.Subject}");
            output.WriteLine($"refused by  {ticket.Decision}");
            output.WriteLine($"pins        {string.Join(", ", ticket.Pins)}");
            output.WriteLine($"execution   {ticket.ExecutionId}  trace {ticket.TraceId ?? "-"}");
            output.WriteLine($"created     {Time(ticket.CreatedAt)}");
            output.WriteLine($"expires     {Time(ticket.ExpiresAt)}");
            output.WriteLine($"request     {ticket.RequestDescription}");
            output.WriteLine($"digest      {ticket.RequestDigest}");
            foreach (ReviewVote vote in ticket.Approvals)
            {
                output.WriteLine($"approved by {vote.Reviewer} as {vote.Role} at {Time(vote.At)}{(vote.Comment is null ? string.Empty : ": " + vote.Comment)}");
            }

            foreach (ReviewVote vote in ticket.Rejections)
            {
                output.WriteLine($"rejected by {vote.Reviewer} as {vote.Role} at {Time(vote.At)}{(vote.Comment is null ? string.Empty : ": " + vote.Comment)}");
            }

            if (ticket.Note is not null)
            {
                output.WriteLine($"note        {ticket.Note}");
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>Verifies the queue file and reads its tickets; null (after printing why) when it does not verify.</summary>
    private static IReadOnlyList<ReviewTicket>? Read(ParseResult parse, Argument<string> queue, Option<string[]> keys)
    {
        List<CheckpointKey> trusted = Input.Keys(parse.GetValue(keys));
        string path = Input.File(parse.GetRequiredValue(queue), "review queue");
        EvidenceVerification verification = EvidenceVerifier.Verify(path, trusted);
        TextWriter output = parse.InvocationConfiguration.Output;
        if (!verification.IsValid)
        {
            output.WriteLine(verification.ToString());
            return null;
        }

        if (trusted.Count == 0)
        {
            output.WriteLine("warning: no --key given, so the checkpoint was not checked and a cut tail would go unnoticed");
        }

        return FileReviewQueue.ReadTickets(path);
    }

    private static Argument<string> Queue() => new("queue")
    {
        Description = "The review queue file (a FileReviewQueue journal); its checkpoint is <queue>.checkpoint.",
    };

    private static Option<string[]> Keys() =>
        CommonSymbols.Keys("A key the queue's checkpoint may be signed with, as name=key.pem; repeat it to trust several.");

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

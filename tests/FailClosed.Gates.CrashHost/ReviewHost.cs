using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FailClosed.Gates;

/// <summary>
/// Usage: FailClosed.Gates.CrashHost review &lt;queue&gt; &lt;key.pem&gt; &lt;key-name&gt; &lt;origin&gt; &lt;workers&gt;.
/// Opens a review queue file and, from concurrent loops, enqueues tickets and takes each through two approvals and its
/// run, printing "ack &lt;ticket&gt; &lt;version&gt;" after every acknowledged change, until the parent kills it.
/// </summary>
internal static class ReviewHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(args[1]));
        int workers = int.Parse(args[4], CultureInfo.InvariantCulture);
        string run = Guid.NewGuid().ToString("N")[..8];
        await using FileReviewQueue queue = FileReviewQueue.Open(new FileEvidenceJournalOptions
        {
            Path = args[0],
            Origin = args[3],
            SigningKey = new CheckpointKey(args[2], ecdsa),
            CheckpointEveryRecords = 50,
        });

        TextWriter output = Console.Out;
        output.WriteLine("ready");
        output.Flush();
        var loops = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            loops[w] = Task.Run(async () =>
            {
                for (long i = 0; ; i++)
                {
                    string id = $"{run}-w{worker}-{i}";
                    string description = "{\"action\":\"crash.review\",\"n\":" + i.ToString(CultureInfo.InvariantCulture) + "}";
                    DateTimeOffset now = TimeProvider.System.GetUtcNow();
                    ReviewTicket ticket = await queue.EnqueueAsync(new ReviewRequest
                    {
                        TicketId = id,
                        Action = "crash.review",
                        Decision = GateDecision.Indeterminate("crash-host", GateCodes.EscalatedForReview, "needs two approvals"),
                        ExecutionId = id,
                        RequestedAt = now,
                        ExpiresAt = now.AddDays(1),
                        Requester = "rita",
                        RequestDescription = description,
                        RequestDigest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description))),
                    });
                    Ack(output, ticket);
                    ticket = await queue.ApplyAsync(Transition(ticket, ReviewTransitionKind.Approve, ReviewTicketState.Pending, "alice"));
                    Ack(output, ticket);
                    ticket = await queue.ApplyAsync(Transition(ticket, ReviewTransitionKind.Approve, ReviewTicketState.Approved, "bob"));
                    Ack(output, ticket);
                    ticket = await queue.ApplyAsync(Transition(ticket, ReviewTransitionKind.Execute, ReviewTicketState.Executed, null));
                    Ack(output, ticket);
                }
            });
        }

        await Task.WhenAll(loops);
        return 0;
    }

    private static ReviewTransition Transition(ReviewTicket ticket, ReviewTransitionKind kind, ReviewTicketState next, string? reviewer)
    {
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        return new ReviewTransition
        {
            TicketId = ticket.Id,
            ExpectedVersion = ticket.Version,
            Kind = kind,
            NewState = next,
            At = now,
            Vote = reviewer is null ? null : new ReviewVote(reviewer, "finance", now, null),
        };
    }

    private static void Ack(TextWriter output, ReviewTicket ticket)
    {
        lock (output)
        {
            output.WriteLine($"ack {ticket.Id} {ticket.Version.ToString(CultureInfo.InvariantCulture)}");
            output.Flush();
        }
    }
}

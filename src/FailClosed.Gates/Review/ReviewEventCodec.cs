using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FailClosed.Gates;

/// <summary>
/// Ticket events as evidence records, so a <see cref="FileReviewQueue"/> stores them in a journal (framing, chain,
/// checkpoints) and rebuilds its tickets by replaying them. An enqueue is an Escalation record; every later change is
/// an Approval record. The ticket facts a record has no field for travel in its detail as compact JSON.
/// </summary>
internal static class ReviewEventCodec
{
    /// <summary>The gate name of queue records.</summary>
    public const string GateName = "review-queue";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static EvidenceRecord Enqueued(ReviewRequest request) => new()
    {
        Timestamp = request.RequestedAt,
        Action = request.Action,
        Kind = EvidenceKind.Escalation,
        Verdict = request.Decision.Verdict,
        Code = request.Decision.Code,
        Gate = request.Decision.Gate,
        Pins = request.Pins,
        Subject = request.Subject,
        ExecutionId = request.ExecutionId,
        TraceId = request.TraceId,
        Detail = Json(writer =>
        {
            writer.WriteString("event"u8, "enqueue");
            writer.WriteString("ticket"u8, request.TicketId);
            writer.WriteString("requester"u8, request.Requester);
            writer.WriteString("reason"u8, request.Decision.Reason);
            writer.WriteString("expiresAt"u8, Format(request.ExpiresAt));
            writer.WriteString("digest"u8, request.RequestDigest);
            writer.WriteString("description"u8, request.RequestDescription);
        }),
    };

    public static EvidenceRecord Changed(ReviewTicket ticket, ReviewTransition transition) => new()
    {
        Timestamp = transition.At,
        Action = ticket.Action,
        Kind = EvidenceKind.Approval,
        Verdict = transition.Kind is ReviewTransitionKind.Approve or ReviewTransitionKind.Execute ? Verdict.Allow : Verdict.Deny,
        Code = CodeOf(transition.Kind),
        Gate = GateName,
        Subject = ticket.Subject,
        ExecutionId = ticket.ExecutionId,
        TraceId = ticket.TraceId,
        Detail = Json(writer =>
        {
            writer.WriteString("event"u8, transition.Kind.ToString());
            writer.WriteString("ticket"u8, transition.TicketId);
            writer.WriteNumber("version"u8, transition.ExpectedVersion);
            writer.WriteString("state"u8, transition.NewState.ToString());
            writer.WriteString("reviewer"u8, transition.Vote?.Reviewer);
            writer.WriteString("role"u8, transition.Vote?.Role);
            writer.WriteString("comment"u8, transition.Vote?.Comment);
            writer.WriteString("note"u8, transition.Note);
        }),
    };

    /// <summary>Replays queue records into <paramref name="book"/>.</summary>
    /// <exception cref="EvidenceUnavailableException">A record is not a queue event, or an event does not apply (code <see cref="GateCodes.EvidenceTampered"/>).</exception>
    public static void Replay(IReadOnlyList<EvidenceRecord> records, ReviewTicketBook book, string path)
    {
        foreach (EvidenceRecord record in records)
        {
            if (record.Kind == EvidenceKind.Recovery)
            {
                continue;
            }

            try
            {
                using JsonDocument detail = JsonDocument.Parse(record.Detail ?? throw new FormatException("it has no detail"));
                JsonElement root = detail.RootElement;
                if (record.Kind == EvidenceKind.Escalation)
                {
                    GateDecision decision = record.Verdict == Verdict.Deny
                        ? GateDecision.Deny(record.Gate, String(root, "reason"), record.Code)
                        : GateDecision.Indeterminate(record.Gate, record.Code, String(root, "reason"));
                    var request = new ReviewRequest
                    {
                        TicketId = Required(root, "ticket"),
                        Action = record.Action,
                        Decision = decision,
                        ExecutionId = record.ExecutionId,
                        TraceId = record.TraceId,
                        RequestedAt = record.Timestamp,
                        ExpiresAt = Parse(Required(root, "expiresAt")),
                        Requester = String(root, "requester"),
                        Subject = record.Subject,
                        Pins = record.Pins,
                        RequestDescription = Required(root, "description"),
                        RequestDigest = Required(root, "digest"),
                    };
                    book.Store(book.Admit(request));
                }
                else if (record.Kind == EvidenceKind.Approval)
                {
                    string? reviewer = String(root, "reviewer");
                    var transition = new ReviewTransition
                    {
                        TicketId = Required(root, "ticket"),
                        ExpectedVersion = root.GetProperty("version").GetInt32(),
                        Kind = Enum.Parse<ReviewTransitionKind>(Required(root, "event")),
                        NewState = Enum.Parse<ReviewTicketState>(Required(root, "state")),
                        At = record.Timestamp,
                        Vote = reviewer is null ? null : new ReviewVote(reviewer, Required(root, "role"), record.Timestamp, String(root, "comment")),
                        Note = String(root, "note"),
                    };
                    book.Store(book.Next(transition));
                }
                else
                {
                    throw new FormatException($"its kind {record.Kind} is not a queue event");
                }
            }
            catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or InvalidOperationException or KeyNotFoundException or ReviewConflictException)
            {
                throw new EvidenceUnavailableException(
                    GateCodes.EvidenceTampered,
                    string.Create(CultureInfo.InvariantCulture, $"The review queue '{path}' has record {record.Sequence} that is not a valid ticket event: {ex.Message}"),
                    ex);
            }
        }
    }

    private static string CodeOf(ReviewTransitionKind kind) => kind switch
    {
        ReviewTransitionKind.Approve => GateCodes.ReviewApproved,
        ReviewTransitionKind.Reject => GateCodes.ReviewRejected,
        ReviewTransitionKind.Expire => GateCodes.ReviewExpired,
        _ => GateCodes.ReviewConsumed,
    };

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Required(JsonElement root, string name) =>
        String(root, name) ?? throw new FormatException($"its detail has no '{name}'");
}

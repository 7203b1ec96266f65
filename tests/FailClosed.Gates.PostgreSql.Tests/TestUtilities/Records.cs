namespace FailClosed.Gates.PostgreSql.Tests;

/// <summary>Evidence records for tests.</summary>
public static class Records
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static EvidenceRecord Record(int n = 0, string action = "payments.release") => new()
    {
        Timestamp = Start.AddTicks(n),
        Action = action,
        Kind = (EvidenceKind)(n % 7),
        Verdict = (Verdict)(n % 3),
        Code = n % 3 == 2 ? GateCodes.Allowed : GateCodes.Denied,
        Gate = "under-limit",
        Pins = n % 2 == 0 ? [] : [new PolicyPin("limits", "3", new string('a', 64))],
        Subject = n % 4 == 0 ? null : $"payment-{n}",
        ExecutionId = $"corr-{n}",
        Detail = n % 5 == 0 ? "System.TimeoutException" : null,
    };
}

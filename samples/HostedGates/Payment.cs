namespace FailClosed.Gates.Samples.HostedGates;

/// <summary>A payment to send; only the payee reaches evidence and telemetry, as the action describes it.</summary>
internal sealed record Payment(string Payee, decimal Amount);

using FailClosed.Gates.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FailClosed.Gates.Samples.HostedGates;

/// <summary>Runs the scenario once, prints what happened beside the telemetry, and stops the host.</summary>
internal sealed class Demo(
    EvidenceFirstExecutor executor,
    EvidenceFirstExecutorProvider gates,
    DemoTransparencyLog transparencyLog,
    HealthCheckService health,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private static readonly GuardedAction<Payment> SendPayment = new(
        "payments.send",
        Gate.Require<Payment>("daily-limit", static p => p.Amount <= 1_000m),
        static p => "payment to " + p.Payee);

    // The recipient directory never answers in time: the gate is Indeterminate, and the action's fail-open
    // exemption (appsettings.json) lets the report go out, recorded as such.
    private static readonly GuardedAction<string> SendReport = new(
        "reports.send",
        Gate.Require<string>("recipient-directory", static async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, ct);
            return true;
        }).WithTimeout(TimeSpan.FromMilliseconds(100)),
        static report => "report " + report);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            bool ok = await RunAsync(stoppingToken);
            Environment.ExitCode = ok ? 0 : 1;
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine("The demo failed: " + exception);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        bool ok = true;
        Say("1. A payment over the daily limit is blocked (Denied).");
        GuardedResult<int> blocked = await executor.ExecuteAsync(SendPayment, new Payment("ACME Ltd", 5_000m), Pay, cancellationToken);
        ok &= Expect(!blocked.Executed && blocked.Decision.Code == GateCodes.Denied, blocked.Decision);

        Say("2. A report runs under its fail-open exemption although its gate timed out.");
        GuardedResult<int> exempted = await executor.ExecuteAsync(SendReport, "daily-2026-12-03", static (_, _) => ValueTask.FromResult(1), cancellationToken);
        ok &= Expect(exempted.Executed && exempted.IsFailOpen, exempted.Decision);

        Say("3. The transparency log goes away: the journal faults and every payment blocks (EvidenceUnavailable).");
        transparencyLog.Unreachable = true;
        // The next checkpoint faults the journal. Whether this first payment's Intent record got in before it
        // (then it runs, with its outcome unrecorded) or not (then it blocks) depends on when that checkpoint ran.
        GuardedResult<int> first = await executor.ExecuteAsync(SendPayment, new Payment("Globex", 120m), Pay, cancellationToken);
        Say(first.Executed
            ? "   The payment in flight as the journal faulted ran; its outcome is unrecorded (OutcomeUnrecorded)."
            : "   The payment in flight as the journal faulted was blocked (EvidenceUnavailable).");
        GuardedResult<int> outage = await executor.ExecuteAsync(SendPayment, new Payment("Initech", 80m), Pay, cancellationToken);
        ok &= Expect(!outage.Executed && outage.Decision.Code == GateCodes.EvidenceUnavailable && outage.ReviewTicket is not null, outage.Decision);
        HealthReport faulted = await health.CheckHealthAsync(cancellationToken);
        Say($"   Health: {faulted.Status}. Queued for review as ticket '{outage.ReviewTicket?.Id}'.");
        ok &= faulted.Status == HealthStatus.Unhealthy;

        Say("4. The operator restores the transparency log and recovers the journal in the running host.");
        transparencyLog.Unreachable = false;
        EvidenceReceipt recovery = await gates.GetJournal(string.Empty).RecoverAsync("demo operator: transparency log restored", cancellationToken);
        HealthReport recovered = await health.CheckHealthAsync(cancellationToken);
        Say($"   Recovery record #{recovery.Sequence} written; health: {recovered.Status}.");
        ok &= recovered.Status == HealthStatus.Healthy;

        Say("5. The payment queued during the outage is re-run by the operator and goes through.");
        GuardedResult<int> rerun = await executor.ExecuteAsync(SendPayment, new Payment("Initech", 80m), Pay, cancellationToken);
        ok &= Expect(rerun.Executed, rerun.Decision);
        Say(ok ? "Done: every step behaved as described." : "A step did not behave as described.");
        return ok;
    }

    private static ValueTask<int> Pay(Payment payment, CancellationToken cancellationToken) => ValueTask.FromResult(1);

    private static bool Expect(bool condition, GateDecision decision)
    {
        Say($"   -> {(condition ? "as expected" : "UNEXPECTED")}: {decision.Verdict} {decision.Code} ({decision.Gate})");
        return condition;
    }

    private static void Say(string line) => Console.WriteLine("[demo] " + line);
}

using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// Gives its child a time limit measured by a <see cref="TimeProvider"/>; no answer in time is
/// <see cref="Verdict.Indeterminate"/> with code <see cref="GateCodes.Timeout"/>.
/// </summary>
internal sealed class TimeoutGate<TContext> : Gate<TContext>
{
    private readonly Gate<TContext> _gate;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly GateDecision _timedOut;
    private readonly GateDecision _canceled;

    public TimeoutGate(string name, Gate<TContext> gate, TimeSpan timeout, TimeProvider timeProvider)
        : base(name)
    {
        _gate = gate;
        _timeout = timeout;
        _timeProvider = timeProvider;
        _timedOut = GateDecision.Indeterminate(
            name,
            GateCodes.Timeout,
            string.Create(CultureInfo.InvariantCulture, $"Gate '{gate.Name}' did not answer within {timeout}."));
        _canceled = GateDecision.Indeterminate(name, GateCodes.Canceled, "The evaluation was canceled before the gate answered.");
    }

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _gate.Pins;

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        var deadline = new CancellationTokenSource(_timeout, _timeProvider);
        CancellationTokenRegistration link = cancellationToken.UnsafeRegister(
            static state => ((CancellationTokenSource)state!).Cancel(),
            deadline);

        // EvaluateAsync never throws, so nothing between here and Release can skip the disposal.
        ValueTask<GateDecision> pending = _gate.EvaluateAsync(context, deadline.Token);
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAsync(pending, link, deadline, cancellationToken);
        }

        GateDecision decision = Judge(pending.Result, deadline, cancellationToken);
        Release(link, deadline);
        return new ValueTask<GateDecision>(decision);
    }

    private static void Release(CancellationTokenRegistration link, CancellationTokenSource deadline)
    {
        link.Dispose();
        deadline.Dispose();
    }

    private async ValueTask<GateDecision> AwaitAsync(
        ValueTask<GateDecision> pending,
        CancellationTokenRegistration link,
        CancellationTokenSource deadline,
        CancellationToken cancellationToken)
    {
        try
        {
            return Judge(await pending.ConfigureAwait(false), deadline, cancellationToken);
        }
        finally
        {
            Release(link, deadline);
        }
    }

    private GateDecision Judge(GateDecision decision, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up: report that, not a timeout, and never an allow.
            return decision.IsAllowed ? _canceled : decision;
        }

        // An answer that arrives once the deadline has fired is late: an allow or an indeterminate becomes a timeout
        // (fail closed on the race), but a definite deny stays a deny. Turning it into an Indeterminate would make a
        // "no" eligible for a fail-open exemption.
        return deadline.IsCancellationRequested && decision.Verdict != Verdict.Deny ? _timedOut : decision;
    }
}

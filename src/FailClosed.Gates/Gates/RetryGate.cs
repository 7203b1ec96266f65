using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// Asks its child again while it answers <see cref="Verdict.Indeterminate"/>, up to a number of attempts and within one
/// total time budget. The first definite answer is the answer: a deny stays the same deny, and only an attempt's allow
/// allows. Out of attempts, the last indeterminate answer; out of time, <see cref="GateCodes.Timeout"/>.
/// </summary>
internal sealed class RetryGate<TContext> : Gate<TContext>
{
    private readonly Gate<TContext> _gate;
    private readonly int _maxAttempts;
    private readonly TimeSpan _budget;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _timeProvider;

    public RetryGate(string name, Gate<TContext> gate, int maxAttempts, TimeSpan budget, TimeSpan delay, TimeProvider timeProvider)
        : base(name)
    {
        _gate = gate;
        _maxAttempts = maxAttempts;
        _budget = budget;
        _delay = delay;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _gate.Pins;

    protected override async ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_budget, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        GateDecision last = default;
        for (int attempt = 1; attempt <= _maxAttempts; attempt++)
        {
            // EvaluateAsync never throws; an answer that arrives after the budget is spent comes back Canceled (or Deny).
            last = await _gate.EvaluateAsync(context, linked.Token).ConfigureAwait(false);
            if (last.Verdict != Verdict.Indeterminate || cancellationToken.IsCancellationRequested)
            {
                return last;
            }

            if (deadline.IsCancellationRequested)
            {
                return OutOfTime(attempt);
            }

            if (attempt < _maxAttempts && _delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(_delay, _timeProvider, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return cancellationToken.IsCancellationRequested ? last : OutOfTime(attempt);
                }
            }
        }

        return last;
    }

    private GateDecision OutOfTime(int attempts) =>
        GateDecision.Indeterminate(
            Name,
            GateCodes.Timeout,
            string.Create(CultureInfo.InvariantCulture, $"Gate '{_gate.Name}' gave no definite answer within {_budget} ({attempts} attempt(s))."));
}

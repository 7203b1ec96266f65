namespace FailClosed.Gates.Testing;

/// <summary>
/// A gate with scripted latency and faults: each evaluation waits <see cref="Latency"/> on the given clock, then
/// answers as <see cref="Fault"/> says (normally: what <see cref="Answer"/> returns).
/// </summary>
/// <typeparam name="TContext">The type of the value judged.</typeparam>
public sealed class ScriptedGate<TContext> : Gate<TContext>
{
    private readonly TimeProvider _timeProvider;
    private int _calls;

    /// <summary>Initializes a new instance of the <see cref="ScriptedGate{TContext}"/> class.</summary>
    /// <param name="name">The gate's name.</param>
    /// <param name="timeProvider">The clock latency is measured on (a <see cref="ManualTimeProvider"/> in tests).</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public ScriptedGate(string name, TimeProvider timeProvider)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        Answer = _ => GateDecision.Allow(Name);
    }

    /// <summary>Gets or sets the fault every evaluation shows.</summary>
    public GateFault Fault { get; set; }

    /// <summary>Gets or sets how long every evaluation waits before it answers; zero answers synchronously.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets how long a <see cref="GateFault.Slow"/> answer takes.</summary>
    /// <value>One hour by default.</value>
    public TimeSpan SlowBy { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the normal answer; <see cref="GateDecision.Allow"/> by default.</summary>
    public Func<TContext, GateDecision> Answer { get; set; }

    /// <summary>Gets the number of evaluations started.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <inheritdoc />
    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Latency > TimeSpan.Zero
            ? DelayedAsync(context, cancellationToken)
            : Faults.Apply(Fault, () => Answer(context), GateDecision.Indeterminate(Name, GateCodes.ResultIncomplete), _timeProvider, SlowBy, Name, cancellationToken);
    }

    private async ValueTask<GateDecision> DelayedAsync(TContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(Latency, _timeProvider, cancellationToken).ConfigureAwait(false);
        return await Faults.Apply(Fault, () => Answer(context), GateDecision.Indeterminate(Name, GateCodes.ResultIncomplete), _timeProvider, SlowBy, Name, cancellationToken).ConfigureAwait(false);
    }
}

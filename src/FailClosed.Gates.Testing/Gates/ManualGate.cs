namespace FailClosed.Gates.Testing;

/// <summary>A gate whose pending answer the test completes by hand; it ignores its token unless told otherwise.</summary>
public sealed class ManualGate<TContext> : Gate<TContext>
{
    private readonly bool _observeToken;
    private TaskCompletionSource<GateDecision> _answer = new();

    /// <summary>Initializes a new instance of the <see cref="ManualGate{TContext}"/> class.</summary>
    /// <param name="name">The gate's name.</param>
    /// <param name="observeToken">Whether a pending answer ends (as a cancellation) when the evaluation's token is canceled.</param>
    public ManualGate(string name, bool observeToken = false)
        : base(name)
    {
        _observeToken = observeToken;
    }

    /// <summary>Gets the number of evaluations started.</summary>
    public int Calls { get; private set; }

    /// <summary>Completes the pending answer with <paramref name="decision"/>.</summary>
    /// <param name="decision">The decision every pending and later evaluation returns, until <see cref="Reset"/>.</param>
    public void Answer(GateDecision decision) => _answer.SetResult(decision);

    /// <summary>Completes the pending answer with <paramref name="exception"/>.</summary>
    /// <param name="exception">The exception the evaluation faults with.</param>
    public void Fail(Exception exception) => _answer.SetException(exception);

    /// <summary>Starts a new pending answer for the evaluations that follow.</summary>
    public void Reset() => _answer = new TaskCompletionSource<GateDecision>();

    /// <inheritdoc />
    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        Calls++;
        Task<GateDecision> answer = _answer.Task;
        return new ValueTask<GateDecision>(_observeToken ? answer.WaitAsync(cancellationToken) : answer);
    }
}

namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>A gate whose pending answer the test completes by hand; it ignores its token unless told otherwise.</summary>
public sealed class ManualGate<TContext> : Gate<TContext>
{
    private readonly bool _observeToken;
    private TaskCompletionSource<GateDecision> _answer = new();

    public ManualGate(string name, bool observeToken = false)
        : base(name)
    {
        _observeToken = observeToken;
    }

    public int Calls { get; private set; }

    public void Answer(GateDecision decision) => _answer.SetResult(decision);

    public void Fail(Exception exception) => _answer.SetException(exception);

    public void Reset() => _answer = new TaskCompletionSource<GateDecision>();

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        Calls++;
        Task<GateDecision> answer = _answer.Task;
        return new ValueTask<GateDecision>(_observeToken ? answer.WaitAsync(cancellationToken) : answer);
    }
}

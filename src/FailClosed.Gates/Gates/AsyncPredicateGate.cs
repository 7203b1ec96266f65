namespace FailClosed.Gates;

/// <summary>Allows when an asynchronous predicate returns <see langword="true"/>, denies when it returns <see langword="false"/>.</summary>
internal sealed class AsyncPredicateGate<TContext> : Gate<TContext>
{
    private readonly Func<TContext, CancellationToken, ValueTask<bool>> _predicate;
    private readonly GateDecision _allow;
    private readonly GateDecision _deny;

    public AsyncPredicateGate(string name, Func<TContext, CancellationToken, ValueTask<bool>> predicate)
        : base(name)
    {
        _predicate = predicate;
        _allow = GateDecision.Allow(name);
        _deny = GateDecision.Deny(name, $"Requirement '{name}' was not met.");
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        ValueTask<bool> pending = _predicate(context, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return new ValueTask<GateDecision>(pending.Result ? _allow : _deny);
        }

        return AwaitAsync(pending);
    }

    private async ValueTask<GateDecision> AwaitAsync(ValueTask<bool> pending) =>
        await pending.ConfigureAwait(false) ? _allow : _deny;
}

namespace FailClosed.Gates;

/// <summary>Allows when a synchronous predicate returns <see langword="true"/>, denies when it returns <see langword="false"/>.</summary>
internal sealed class PredicateGate<TContext> : Gate<TContext>
{
    private readonly Func<TContext, bool> _predicate;
    private readonly GateDecision _allow;
    private readonly GateDecision _deny;

    public PredicateGate(string name, Func<TContext, bool> predicate)
        : base(name)
    {
        _predicate = predicate;
        _allow = GateDecision.Allow(name);
        _deny = GateDecision.Deny(name, $"Requirement '{name}' was not met.");
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken) =>
        new(_predicate(context) ? _allow : _deny);
}

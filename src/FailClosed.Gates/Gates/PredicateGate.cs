using System.Linq.Expressions;

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

    /// <summary>Initializes a gate from an expression, compiled once here; composites can fuse it with its neighbours.</summary>
    public PredicateGate(string name, Expression<Func<TContext, bool>> predicate)
        : this(name, predicate.Compile())
    {
        Expression = predicate;
    }

    /// <summary>Gets the predicate, for composites that evaluate synchronous children inline.</summary>
    internal Func<TContext, bool> Predicate => _predicate;

    /// <summary>Gets the expression the predicate was compiled from, or <see langword="null"/> for a delegate requirement.</summary>
    internal Expression<Func<TContext, bool>>? Expression { get; }

    /// <summary>Gets the decision made when the predicate holds.</summary>
    internal GateDecision Allowed => _allow;

    /// <summary>Gets the decision made when the predicate does not hold.</summary>
    internal GateDecision Denied => _deny;

    /// <summary>
    /// Returns, for each of <paramref name="gates"/>, the gate as a <see cref="PredicateGate{TContext}"/> if it is one,
    /// so a composite can run its predicate inline instead of paying a <see cref="ValueTask{TResult}"/> per child.
    /// </summary>
    internal static PredicateGate<TContext>?[] InlineCandidates(Gate<TContext>[] gates)
    {
        var predicates = new PredicateGate<TContext>?[gates.Length];
        for (int i = 0; i < gates.Length; i++)
        {
            predicates[i] = gates[i] as PredicateGate<TContext>;
        }

        return predicates;
    }

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken) =>
        new(_predicate(context) ? _allow : _deny);
}

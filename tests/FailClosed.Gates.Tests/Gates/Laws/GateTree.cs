namespace FailClosed.Gates.Tests.Gates.Laws;

/// <summary>How a generated leaf behaves.</summary>
public enum LeafKind
{
    Allow,
    Deny,
    Indeterminate,
    ThrowSync,
    ThrowSyncDecision,
    FaultedValueTask,
    ThrowAsync,
    AllowAsync,
    DenyAsync,
    Hang,
}

/// <summary>A description of a gate tree: built into real gates by <see cref="TreeHarness"/>, judged by <see cref="ReferenceEvaluator"/>.</summary>
public abstract record GateTree(string Name)
{
    public sealed override string ToString() => Describe();

    public abstract string Describe();
}

public sealed record LeafTree(string Name, LeafKind Kind) : GateTree(Name)
{
    public override string Describe() => $"{Name}:{Kind}";
}

public sealed record AllTree(string Name, IReadOnlyList<GateTree> Children) : GateTree(Name)
{
    public override string Describe() => $"All[{string.Join(", ", Children.Select(c => c.Describe()))}]";
}

public sealed record AnyTree(string Name, IReadOnlyList<GateTree> Children) : GateTree(Name)
{
    public override string Describe() => $"Any[{string.Join(", ", Children.Select(c => c.Describe()))}]";
}

public sealed record NotTree(string Name, GateTree Child) : GateTree(Name)
{
    public override string Describe() => $"Not[{Child.Describe()}]";
}

/// <summary>A timeout of <c>2^Exponent</c> milliseconds: distinct powers of two make simultaneous deadlines impossible.</summary>
public sealed record TimeoutTree(string Name, int Exponent, GateTree Child) : GateTree(Name)
{
    public TimeSpan Duration => TimeSpan.FromMilliseconds(1L << Exponent);

    public override string Describe() => $"Timeout({Duration.TotalMilliseconds}ms)[{Child.Describe()}]";
}

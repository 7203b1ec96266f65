using System.Globalization;

namespace FailClosed.Gates.Testing;

/// <summary>How a generated leaf behaves.</summary>
internal enum LeafKind
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

    /// <summary>Allows after <see cref="LeafTree.DelayMs"/> on the manual clock (cut short by an enclosing timeout).</summary>
    Slow,

    /// <summary>Waits until its token is canceled, then allows anyway: a late answer nobody may use.</summary>
    LateAfterCancellation,
}

/// <summary>
/// A description of a gate tree: built into real gates by <see cref="TreeHarness{TContext}"/>, judged by
/// <see cref="ReferenceEvaluator"/>, and printed as the code that builds it.
/// </summary>
internal abstract record GateTree(string Name)
{
    public sealed override string ToString() => Describe();

    public abstract string Describe();

    protected static string Quote(string name) => "\"" + name + "\"";
}

internal sealed record LeafTree(string Name, LeafKind Kind) : GateTree(Name)
{
    /// <summary>Gets how long a <see cref="LeafKind.Slow"/> leaf takes, in milliseconds.</summary>
    public long DelayMs { get; init; }

    public override string Describe() => Kind switch
    {
        LeafKind.Allow => $"Allow({Quote(Name)})",
        LeafKind.Deny => $"Deny({Quote(Name)})",
        LeafKind.Indeterminate => $"Indeterminate({Quote(Name)})",
        LeafKind.ThrowSync => $"Throwing({Quote(Name)})",
        LeafKind.ThrowSyncDecision => $"ThrowingDecision({Quote(Name)})",
        LeafKind.FaultedValueTask => $"Faulted({Quote(Name)})",
        LeafKind.ThrowAsync => $"ThrowingAsync({Quote(Name)})",
        LeafKind.AllowAsync => $"AllowAsync({Quote(Name)})",
        LeafKind.DenyAsync => $"DenyAsync({Quote(Name)})",
        LeafKind.Hang => $"Hanging({Quote(Name)})",
        LeafKind.Slow => $"Slow({Quote(Name)}, {DelayMs.ToString(CultureInfo.InvariantCulture)}ms)",
        LeafKind.LateAfterCancellation => $"LateAfterCancellation({Quote(Name)})",
        _ => $"{Kind}({Quote(Name)})",
    };
}

/// <summary>The team's own leaf gate number <see cref="Index"/>, printed by its gate name.</summary>
internal sealed record TeamLeafTree(string Name, int Index, string GateName) : GateTree(Name)
{
    public override string Describe() => $"Leaf({Quote(GateName)})";
}

internal sealed record AllTree(string Name, IReadOnlyList<GateTree> Children) : GateTree(Name)
{
    public override string Describe() => $"All({string.Join(", ", Children.Select(c => c.Describe()))})";
}

internal sealed record AnyTree(string Name, IReadOnlyList<GateTree> Children) : GateTree(Name)
{
    public override string Describe() => $"Any({string.Join(", ", Children.Select(c => c.Describe()))})";
}

internal sealed record NotTree(string Name, GateTree Child) : GateTree(Name)
{
    public override string Describe() => $"Not({Child.Describe()})";
}

/// <summary>A timeout of <c>2^Exponent</c> milliseconds: distinct powers of two make simultaneous deadlines impossible.</summary>
internal sealed record TimeoutTree(string Name, int Exponent, GateTree Child) : GateTree(Name)
{
    public TimeSpan Duration => TimeSpan.FromMilliseconds(1L << Exponent);

    public override string Describe() =>
        $"Timeout({Child.Describe()}, {Duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms)";
}

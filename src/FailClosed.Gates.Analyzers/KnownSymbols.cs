using Microsoft.CodeAnalysis;

namespace FailClosed.Gates.Analyzers;

/// <summary>The FailClosed.Gates and BCL types the rules look for, resolved once per compilation.</summary>
internal sealed class KnownSymbols
{
    private KnownSymbols(Compilation compilation, INamedTypeSymbol gateDecision)
    {
        GateDecision = gateDecision;
        Verdict = compilation.GetTypeByMetadataName("FailClosed.Gates.Verdict");
        GuardedResult = compilation.GetTypeByMetadataName("FailClosed.Gates.GuardedResult");
        GuardedResultOfT = compilation.GetTypeByMetadataName("FailClosed.Gates.GuardedResult`1");
        GateOfT = compilation.GetTypeByMetadataName("FailClosed.Gates.Gate`1");
        Gate = compilation.GetTypeByMetadataName("FailClosed.Gates.Gate");
        FailMode = compilation.GetTypeByMetadataName("FailClosed.Gates.FailMode");
        Executor = compilation.GetTypeByMetadataName("FailClosed.Gates.EvidenceFirstExecutor");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        DateTime = compilation.GetTypeByMetadataName("System.DateTime");
    }

    public INamedTypeSymbol GateDecision { get; }

    public INamedTypeSymbol? Verdict { get; }

    public INamedTypeSymbol? GuardedResult { get; }

    public INamedTypeSymbol? GuardedResultOfT { get; }

    public INamedTypeSymbol? GateOfT { get; }

    public INamedTypeSymbol? Gate { get; }

    public INamedTypeSymbol? FailMode { get; }

    public INamedTypeSymbol? Executor { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? DateTime { get; }

    /// <summary>Resolves the symbols, or returns <see langword="null"/> when the compilation cannot see FailClosed.Gates.</summary>
    public static KnownSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName("FailClosed.Gates.GateDecision") is { } gateDecision
            ? new KnownSymbols(compilation, gateDecision)
            : null;

    /// <summary>Whether <paramref name="type"/> is <c>GateDecision</c>, <c>GuardedResult</c> or a <c>GuardedResult&lt;T&gt;</c>.</summary>
    public bool IsDecisionOrResult(ITypeSymbol? type) =>
        type is not null
        && (Is(type, GateDecision) || Is(type, GuardedResult) || Is(type.OriginalDefinition, GuardedResultOfT));

    /// <summary>Whether <paramref name="type"/> is a <c>ValueTask&lt;T&gt;</c> or <c>Task&lt;T&gt;</c> of a decision or result.</summary>
    public bool IsTaskOfDecisionOrResult(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named
        && (Is(named.OriginalDefinition, ValueTaskOfT) || Is(named.OriginalDefinition, TaskOfT))
        && IsDecisionOrResult(named.TypeArguments[0]);

    /// <summary>Whether <paramref name="type"/> is any task: <c>Task</c>, <c>ValueTask</c> or their generic forms.</summary>
    public bool IsTask(ITypeSymbol? type) =>
        type is not null
        && (Is(type, ValueTask) || Is(type, Task) || Is(type.OriginalDefinition, ValueTaskOfT) || Is(type.OriginalDefinition, TaskOfT));

    public bool IsVerdict(ITypeSymbol? type) => type is not null && Is(type, Verdict);

    public static bool Is(ITypeSymbol? type, ITypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}

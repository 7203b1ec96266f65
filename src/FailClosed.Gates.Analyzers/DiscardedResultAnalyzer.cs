using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FailClosed.Gates.Analyzers;

/// <summary>
/// FCG0001 and FCG0002: a decision, a guarded result or the task that carries one is thrown away, so nothing acts on
/// a block.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DiscardedResultAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.DiscardedDecision, Descriptors.UnobservedGateTask);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeStatement(c, symbols), OperationKind.ExpressionStatement);
            start.RegisterOperationAction(c => AnalyzeDiscardAssignment(c, symbols), OperationKind.SimpleAssignment);
        });
    }

    private static void AnalyzeStatement(OperationAnalysisContext context, KnownSymbols symbols)
    {
        IOperation value = ((IExpressionStatementOperation)context.Operation).Operation;
        if (value is not (IInvocationOperation or IAwaitOperation))
        {
            return; // assignments, increments and the like are statements whose value nobody expects to use
        }

        if (symbols.IsDecisionOrResult(value.Type))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.DiscardedDecision, value.Syntax.GetLocation(), value.Type!.Name));
        }
        else if (value is IInvocationOperation invocation && IsGateTask(invocation, symbols))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnobservedGateTask, value.Syntax.GetLocation(), invocation.TargetMethod.Name));
        }
    }

    private static void AnalyzeDiscardAssignment(OperationAnalysisContext context, KnownSymbols symbols)
    {
        // "_ = decision" says "I mean to ignore this" and is left alone; "_ = gate.EvaluateAsync(...)" still never
        // observes the task, and the decision it carries is lost with it.
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is IDiscardOperation
            && assignment.Value.WithoutConversions() is IInvocationOperation invocation
            && IsGateTask(invocation, symbols))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnobservedGateTask, assignment.Syntax.GetLocation(), invocation.TargetMethod.Name));
        }
    }

    private static bool IsGateTask(IInvocationOperation invocation, KnownSymbols symbols) =>
        symbols.IsTaskOfDecisionOrResult(invocation.Type)
        || (symbols.IsTask(invocation.Type) && KnownSymbols.Is(invocation.TargetMethod.ContainingType, symbols.Executor));
}

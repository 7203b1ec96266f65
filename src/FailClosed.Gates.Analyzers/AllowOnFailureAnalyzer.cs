using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FailClosed.Gates.Analyzers;

/// <summary>
/// FCG0005: inside a gate (an <c>EvaluateCoreAsync</c> override, or a delegate given to <c>Gate.From</c> or
/// <c>Gate.Require</c>) a <c>catch</c> returns an allow, so a fault or a cancellation opens the gate.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AllowOnFailureAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.AllowOnFailure);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { GateOfT: not null, Gate: not null } symbols)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Return);
        });
    }

    private enum GateKind
    {
        None,
        Decision,
        Predicate,
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols symbols)
    {
        var returnOperation = (IReturnOperation)context.Operation;
        if (returnOperation.ReturnedValue is not { } returned)
        {
            return;
        }

        // The nearest catch, then the function that holds it; a catch in a nested lambda or local function is not the gate's.
        ICatchClauseOperation? catchClause = null;
        IOperation? function = null;
        for (IOperation? current = returnOperation.Parent; current is not null; current = current.Parent)
        {
            if (current is ICatchClauseOperation clause && catchClause is null)
            {
                catchClause = clause;
            }
            else if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                function = current;
                break;
            }
        }

        if (catchClause is null)
        {
            return;
        }

        GateKind kind = function switch
        {
            null => OverridesEvaluateCore(context.ContainingSymbol, symbols) ? GateKind.Decision : GateKind.None,
            IAnonymousFunctionOperation lambda => GateDelegateKind(lambda, symbols),
            _ => GateKind.None,
        };

        bool allows = kind switch
        {
            GateKind.Decision => returned.IsAllowDecision(symbols),
            GateKind.Predicate => returned.WithoutCompletedTask(symbols).ConstantValue is { HasValue: true, Value: true },
            _ => false,
        };

        if (allows)
        {
            string caught = catchClause.ExceptionType is { SpecialType: not SpecialType.System_Object } type ? type.Name : "any exception";
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.AllowOnFailure, returnOperation.Syntax.GetLocation(), caught));
        }
    }

    private static bool OverridesEvaluateCore(ISymbol symbol, KnownSymbols symbols)
    {
        for (IMethodSymbol? method = symbol as IMethodSymbol; method is not null; method = method.OverriddenMethod)
        {
            if (method.Name == "EvaluateCoreAsync" && KnownSymbols.Is(method.ContainingType.OriginalDefinition, symbols.GateOfT))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a lambda decides when it is the delegate of <c>Gate.From</c> (a decision) or <c>Gate.Require</c> (a predicate).</summary>
    private static GateKind GateDelegateKind(IAnonymousFunctionOperation lambda, KnownSymbols symbols)
    {
        IOperation? current = lambda.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        if (current is IArgumentOperation { Parent: IInvocationOperation invocation }
            && KnownSymbols.Is(invocation.TargetMethod.ContainingType, symbols.Gate))
        {
            return invocation.TargetMethod.Name switch
            {
                "From" => GateKind.Decision,
                "Require" => GateKind.Predicate,
                _ => GateKind.None,
            };
        }

        return GateKind.None;
    }
}

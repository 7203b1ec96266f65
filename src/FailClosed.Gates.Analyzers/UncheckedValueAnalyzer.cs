using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FailClosed.Gates.Analyzers;

/// <summary>
/// FCG0006: <c>GuardedResult&lt;T&gt;.Value</c> read from a result nobody checked: straight off the call, or from a
/// local whose every use in the member is a plain read of <c>Value</c>, <c>Decision</c> or another non-checking member.
/// </summary>
/// <remarks>
/// Any other use of the local (a check of <c>Executed</c>, <c>IsBlocked</c>, <c>IsFailOpen</c>,
/// <c>IsOutcomeUnrecorded</c>, <c>TryGetValue</c>, a pattern, passing it on, reassigning it) counts as a check:
/// the rule stays silent rather than guess. Parameters, fields and properties are left alone: their caller may have checked.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UncheckedValueAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.UncheckedGuardedValue);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { GuardedResultOfT: not null } symbols)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.PropertyReference);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols symbols)
    {
        var property = (IPropertyReferenceOperation)context.Operation;
        if (!IsValue(property, symbols) || property.Instance is not { } instance)
        {
            return;
        }

        IOperation receiver = instance.WithoutConversions();
        switch (receiver)
        {
            case IInvocationOperation or IAwaitOperation:
                Report(context, property, receiver);
                return;
            case ILocalReferenceOperation local when !IsCheckedOrShared(local.Local, property.Root(), symbols):
                Report(context, property, receiver);
                return;
        }
    }

    private static void Report(OperationAnalysisContext context, IPropertyReferenceOperation property, IOperation receiver) =>
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.UncheckedGuardedValue, property.Syntax.GetLocation(), receiver.Syntax.ToString()));

    private static bool IsValue(IPropertyReferenceOperation property, KnownSymbols symbols) =>
        property.Property.Name == "Value" && KnownSymbols.Is(property.Property.ContainingType.OriginalDefinition, symbols.GuardedResultOfT);

    /// <summary>Whether the member uses the local in any way other than reading a member that checks nothing.</summary>
    private static bool IsCheckedOrShared(ILocalSymbol local, IOperation root, KnownSymbols symbols)
    {
        foreach (IOperation operation in root.DescendantsAndSelf())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            IOperation? parent = reference.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            bool plainRead = parent switch
            {
                IPropertyReferenceOperation { Property.Name: "Value" or "Decision" or "CorrelationId" or "EvidenceReceipt" or "OutcomeReceipt" or "ReviewTicket" } read
                    => KnownSymbols.Is(read.Property.ContainingType.OriginalDefinition, symbols.GuardedResultOfT),
                IInvocationOperation { TargetMethod.Name: "ToString" } => true,
                _ => false,
            };

            if (!plainRead)
            {
                return true;
            }
        }

        return false;
    }
}

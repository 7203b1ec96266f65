using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FailClosed.Gates.Analyzers;

/// <summary>
/// FCG0004: a <c>switch</c> on a <c>Verdict</c> whose default branch is also the <c>Allow</c> branch, so
/// <c>Indeterminate</c> (when not matched) and every undefined verdict take the allow path.
/// </summary>
/// <remarks>
/// A default that throws blocks and is left alone, and so is any switch with a case the rule cannot read
/// (a <c>when</c> guard on the only <c>Allow</c> case, relational or negated patterns).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VerdictSwitchAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.VerdictSwitchDefaultAllows);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { Verdict: not null } symbols)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeStatement(c, symbols), OperationKind.Switch);
            start.RegisterOperationAction(c => AnalyzeExpression(c, symbols), OperationKind.SwitchExpression);
        });
    }

    private static void AnalyzeStatement(OperationAnalysisContext context, KnownSymbols symbols)
    {
        var switchOperation = (ISwitchOperation)context.Operation;
        if (!symbols.IsVerdict(switchOperation.Value.WithoutConversions().Type))
        {
            return;
        }

        var matched = new HashSet<string>();
        ICaseClauseOperation? defaultClause = null;
        ISwitchCaseOperation? defaultSection = null;
        foreach (ISwitchCaseOperation section in switchOperation.Cases)
        {
            foreach (ICaseClauseOperation clause in section.Clauses)
            {
                switch (clause)
                {
                    case IDefaultCaseClauseOperation:
                        (defaultClause, defaultSection) = (clause, section);
                        break;
                    case ISingleValueCaseClauseOperation single when VerdictMember(single.Value, symbols) is { } name:
                        matched.Add(name);
                        break;
                    case IPatternCaseClauseOperation { Guard: null } patternClause when IsCatchAll(patternClause.Pattern):
                        (defaultClause, defaultSection) = (clause, section);
                        break;
                    case IPatternCaseClauseOperation { Guard: null } patternClause:
                        if (!AddMatched(patternClause.Pattern, matched, symbols))
                        {
                            return;
                        }

                        break;
                    case IPatternCaseClauseOperation:
                        break; // a guarded case may not match: it covers nothing for sure
                    default:
                        return;
                }
            }
        }

        if (defaultClause is null || defaultSection is null || matched.Contains("Allow") || Throws(defaultSection.Body.Length > 0 ? defaultSection.Body[0] : null))
        {
            return;
        }

        Report(context, defaultClause.Syntax.GetLocation(), matched);
    }

    private static void AnalyzeExpression(OperationAnalysisContext context, KnownSymbols symbols)
    {
        var switchExpression = (ISwitchExpressionOperation)context.Operation;
        if (!symbols.IsVerdict(switchExpression.Value.WithoutConversions().Type))
        {
            return;
        }

        var matched = new HashSet<string>();
        ISwitchExpressionArmOperation? defaultArm = null;
        foreach (ISwitchExpressionArmOperation arm in switchExpression.Arms)
        {
            if (arm.Guard is not null)
            {
                continue;
            }

            if (IsCatchAll(arm.Pattern))
            {
                defaultArm ??= arm;
            }
            else if (!AddMatched(arm.Pattern, matched, symbols))
            {
                return;
            }
        }

        if (defaultArm is null || matched.Contains("Allow") || defaultArm.Value.WithoutConversions() is IThrowOperation)
        {
            return;
        }

        Report(context, defaultArm.Pattern.Syntax.GetLocation(), matched);
    }

    private static void Report(OperationAnalysisContext context, Location location, HashSet<string> matched) =>
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.VerdictSwitchDefaultAllows,
            location,
            matched.Contains("Indeterminate") ? "undefined verdicts" : "Indeterminate and undefined verdicts"));

    private static bool IsCatchAll(IPatternOperation pattern) =>
        pattern is IDiscardPatternOperation
        || pattern is IDeclarationPatternOperation { MatchesNull: true };

    /// <summary>Adds the verdicts a pattern matches; returns false for a pattern the rule does not read.</summary>
    private static bool AddMatched(IPatternOperation pattern, HashSet<string> matched, KnownSymbols symbols)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant when VerdictMember(constant.Value, symbols) is { } name:
                matched.Add(name);
                return true;
            case IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } or:
                return AddMatched(or.LeftPattern, matched, symbols) && AddMatched(or.RightPattern, matched, symbols);
            default:
                return false;
        }
    }

    private static string? VerdictMember(IOperation value, KnownSymbols symbols) =>
        value.WithoutConversions() is IFieldReferenceOperation { Field: { HasConstantValue: true } field } && KnownSymbols.Is(field.ContainingType, symbols.Verdict)
            ? field.Name
            : null;

    private static bool Throws(IOperation? statement) =>
        statement is IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation };
}

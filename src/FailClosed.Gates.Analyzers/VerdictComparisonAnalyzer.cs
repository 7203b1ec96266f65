using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FailClosed.Gates.Analyzers;

/// <summary>
/// FCG0003: <c>v != Verdict.Deny</c>, <c>v != Verdict.Indeterminate</c> or a guard clause on <c>v == Verdict.Deny</c>
/// decides whether to proceed, so a verdict that is not <c>Allow</c> proceeds.
/// </summary>
/// <remarks>
/// To stay precise the rule fires only where the comparison decides the allow path (an <c>if</c> or <c>?:</c>
/// condition, or the answer of a <c>bool</c> member) and the member mentions no other verdict, <c>IsAllowed</c> or
/// <c>IsBlocked</c>: code that names the third value has thought about it. A branch that returns a decision other
/// than <c>GateDecision.Allow</c> transforms decisions (gate code) and is left alone.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VerdictComparisonAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The <see cref="Diagnostic.Properties"/> key naming the replacement: <c>IsAllowed</c> or <c>IsBlocked</c>.</summary>
    public const string ReplacementKey = "Replacement";

    /// <summary>The <see cref="Diagnostic.Properties"/> key present when the verdict is read from a decision (<c>d.Verdict</c>).</summary>
    public const string HasReceiverKey = "HasReceiver";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.LeakyVerdictComparison);

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

            start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Binary, OperationKind.IsPattern);
        });
    }

    private enum Form
    {
        NotDeny,
        NotIndeterminate,
        IsDeny,
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols symbols)
    {
        if (!TryMatch(context.Operation, symbols, out IOperation? verdict, out IOperation? constant, out Form form))
        {
            return;
        }

        if (!DecidesTheAllowPath(context.Operation, form, context.ContainingSymbol, symbols)
            || MentionsTheOtherValues(context.Operation, form, symbols))
        {
            return;
        }

        bool isAllowed = form != Form.IsDeny;
        string member = isAllowed ? "IsAllowed" : "IsBlocked";
        IOperation? receiver = verdict is IPropertyReferenceOperation { Property.Name: "Verdict", Instance: { IsImplicit: false } instance } property
            && KnownSymbols.Is(property.Property.ContainingType, symbols.GateDecision)
                ? instance
                : null;
        string suggestion = receiver is not null
            ? receiver.Syntax + "." + member
            : verdict.Syntax + (isAllowed ? " == " : " != ") + "Verdict.Allow";

        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties[ReplacementKey] = member;
        var locations = new List<Location> { verdict.Syntax.GetLocation(), constant.Syntax.GetLocation() };
        if (receiver is not null)
        {
            properties[HasReceiverKey] = "true";
            locations.Add(receiver.Syntax.GetLocation());
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.LeakyVerdictComparison,
            context.Operation.Syntax.GetLocation(),
            locations,
            properties.ToImmutable(),
            context.Operation.Syntax.ToString(),
            form == Form.NotIndeterminate ? "Deny" : "Indeterminate",
            suggestion));
    }

    private static bool TryMatch(IOperation operation, KnownSymbols symbols, out IOperation verdict, out IOperation constant, out Form form)
    {
        verdict = constant = operation;
        form = default;
        string? name;
        bool equals;
        if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary)
        {
            equals = binary.OperatorKind == BinaryOperatorKind.Equals;
            IOperation left = binary.LeftOperand.WithoutConversions();
            IOperation right = binary.RightOperand.WithoutConversions();
            if (VerdictMember(right, symbols) is { } rightName && VerdictMember(left, symbols) is null && symbols.IsVerdict(left.Type))
            {
                (verdict, constant, name) = (left, right, rightName);
            }
            else if (VerdictMember(left, symbols) is { } leftName && VerdictMember(right, symbols) is null && symbols.IsVerdict(right.Type))
            {
                (verdict, constant, name) = (right, left, leftName);
            }
            else
            {
                return false;
            }
        }
        else if (operation is IIsPatternOperation pattern && symbols.IsVerdict(pattern.Value.Type))
        {
            verdict = pattern.Value.WithoutConversions();
            switch (pattern.Pattern)
            {
                case IConstantPatternOperation constantPattern when VerdictMember(constantPattern.Value.WithoutConversions(), symbols) is { } isName:
                    (constant, name, equals) = (constantPattern.Value.WithoutConversions(), isName, true);
                    break;
                case INegatedPatternOperation { Pattern: IConstantPatternOperation negated } when VerdictMember(negated.Value.WithoutConversions(), symbols) is { } notName:
                    (constant, name, equals) = (negated.Value.WithoutConversions(), notName, false);
                    break;
                default:
                    return false;
            }
        }
        else
        {
            return false;
        }

        switch (name, equals)
        {
            case ("Deny", false):
                form = Form.NotDeny;
                return true;
            case ("Indeterminate", false):
                form = Form.NotIndeterminate;
                return true;
            case ("Deny", true):
                form = Form.IsDeny;
                return true;
            default:
                return false;
        }
    }

    private static string? VerdictMember(IOperation operation, KnownSymbols symbols) =>
        operation is IFieldReferenceOperation { Field: { HasConstantValue: true } field } && KnownSymbols.Is(field.ContainingType, symbols.Verdict)
            ? field.Name
            : null;

    private static bool DecidesTheAllowPath(IOperation comparison, Form form, ISymbol containingSymbol, KnownSymbols symbols)
    {
        // Climb through && and || : "a && d.Verdict != Verdict.Deny" lets Indeterminate through whenever a holds.
        IOperation condition = comparison;
        while (condition.Parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical)
        {
            condition = logical;
        }

        switch (condition.Parent)
        {
            case IConditionalOperation conditional when conditional.Condition == condition:
                if (form == Form.IsDeny)
                {
                    // A guard clause: "if (v == Deny) return ...;" and everything after it is the allow path.
                    return conditional.WhenFalse is null && !conditional.IsRef && conditional.Type is null && conditional.WhenTrue.EndsWithJump();
                }

                return !Blocks(conditional.WhenTrue, symbols);

            case IReturnOperation when form != Form.IsDeny:
                // "bool IsOk(GateDecision d) => d.Verdict != Verdict.Deny;" answers "may it proceed?" wrongly.
                return containingSymbol is IMethodSymbol { ReturnType.SpecialType: SpecialType.System_Boolean }
                    && !InsideFunction(condition);

            default:
                return false;
        }
    }

    /// <summary>Whether the branch taken on a match throws or yields a decision other than an allow: it blocks or transforms.</summary>
    private static bool Blocks(IOperation branch, KnownSymbols symbols)
    {
        IOperation? last = branch.LastStatement();
        if (last is IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation })
        {
            return true;
        }

        IOperation? value = last is IReturnOperation { ReturnedValue: { } returned } ? returned : branch.Type is not null ? branch : null;
        if (value is null)
        {
            return false;
        }

        ITypeSymbol? type = value.WithoutCompletedTask(symbols).Type;
        return KnownSymbols.Is(type, symbols.GateDecision) && !value.IsAllowDecision(symbols);
    }

    private static bool InsideFunction(IOperation operation)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MentionsTheOtherValues(IOperation comparison, Form form, KnownSymbols symbols)
    {
        string other = form == Form.NotIndeterminate ? "Deny" : "Indeterminate";
        foreach (IOperation operation in comparison.Root().DescendantsAndSelf())
        {
            switch (operation)
            {
                case IFieldReferenceOperation { Field: { } field } when KnownSymbols.Is(field.ContainingType, symbols.Verdict)
                    && (field.Name == "Allow" || field.Name == other):
                    return true;
                case IPropertyReferenceOperation { Property: { } property } when KnownSymbols.Is(property.ContainingType, symbols.GateDecision)
                    && (property.Name == "IsAllowed" || property.Name == "IsBlocked"):
                    return true;
            }
        }

        return false;
    }
}

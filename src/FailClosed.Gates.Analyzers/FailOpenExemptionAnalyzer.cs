using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FailClosed.Gates.Analyzers;

/// <summary>
/// FCG0007 and FCG0008: a <c>FailMode.Open(justification, reviewBy)</c> whose review date is known at compile time to be
/// more than a year away, or whose justification is empty or a placeholder.
/// </summary>
/// <remarks>
/// "A year away" is measured from the build's date, or from the date in the <c>.editorconfig</c> key
/// <c>failclosed_gates.fail_open_reference_date</c> (<c>yyyy-MM-dd</c>) for reproducible builds.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FailOpenExemptionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The <c>.editorconfig</c> key that fixes the date "a year away" is measured from.</summary>
    public const string ReferenceDateKey = "failclosed_gates.fail_open_reference_date";

    private static readonly ImmutableHashSet<string> Placeholders = ImmutableHashSet.Create(
        StringComparer.OrdinalIgnoreCase, "todo", "tbd", "fixme", "n/a", "na", "none", "temp", "temporary", "test", "x", "xxx", "-", "?", "...", ".", "wip");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.DistantFailOpenReview, Descriptors.UnjustifiedFailOpen);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { FailMode: not null } symbols)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod is not { Name: "Open", IsStatic: true } method || !KnownSymbols.Is(method.ContainingType, symbols.FailMode))
        {
            return;
        }

        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            switch (argument.Parameter?.Name)
            {
                case "justification" when argument.Value.ConstantValue is { HasValue: true } constant && IsPlaceholder(constant.Value as string):
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.UnjustifiedFailOpen,
                        argument.Value.Syntax.GetLocation(),
                        constant.Value is string text ? "\"" + text + "\"" : "null"));
                    break;
                case "reviewBy":
                    DateTimeOffset reference = ReferenceDate(context);
                    if (TryReviewDate(argument.Value, symbols, reference, out DateTimeOffset reviewBy, out string description)
                        && reviewBy > reference.AddYears(1))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(Descriptors.DistantFailOpenReview, argument.Value.Syntax.GetLocation(), description));
                    }

                    break;
            }
        }
    }

    private static bool IsPlaceholder(string? justification) =>
        string.IsNullOrWhiteSpace(justification) || Placeholders.Contains(justification!.Trim());

    private static DateTimeOffset ReferenceDate(OperationAnalysisContext context)
    {
        if (context.Options.AnalyzerConfigOptionsProvider.GetOptions(context.Operation.Syntax.SyntaxTree).TryGetValue(ReferenceDateKey, out string? text)
            && DateTimeOffset.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset configured))
        {
            return configured;
        }

#pragma warning disable RS0030 // An analyzer has no TimeProvider: the build's own date is what "a year away" means.
        return DateTimeOffset.UtcNow;
#pragma warning restore RS0030
    }

    /// <summary>
    /// Reads a review date the compiler can see: a constant <c>new DateTimeOffset(y, m, d, ...)</c> or <c>DateTime</c>,
    /// <c>Parse</c> of a constant string, <c>MaxValue</c>, or <c>x.AddYears/AddMonths/AddDays(n)</c> of those or of
    /// "now" (any other receiver).
    /// </summary>
    private static bool TryReviewDate(IOperation operation, KnownSymbols symbols, DateTimeOffset now, out DateTimeOffset date, out string description)
    {
        operation = operation.WithoutConversions();
        description = string.Empty;
        date = default;
        switch (operation)
        {
            case IObjectCreationOperation creation when IsDateType(creation.Type, symbols) && TryConstruct(creation, out date):
                description = "on " + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return true;

            case IFieldReferenceOperation { Field.Name: "MaxValue" } field when IsDateType(field.Field.ContainingType, symbols):
                date = DateTimeOffset.MaxValue;
                description = "at " + field.Field.ContainingType.Name + ".MaxValue";
                return true;

            case IInvocationOperation { TargetMethod.Name: "Parse" or "ParseExact", Arguments.Length: > 0 } parse
                when IsDateType(parse.TargetMethod.ContainingType, symbols)
                    && parse.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string text }
                    && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date):
                description = "on " + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return true;

            case IInvocationOperation { TargetMethod.Name: "AddYears" or "AddMonths" or "AddDays", Instance: { } instance, Arguments.Length: 1 } add
                when IsDateType(add.TargetMethod.ContainingType, symbols)
                    && add.Arguments[0].Value.ConstantValue is { HasValue: true, Value: { } amountValue }:
                double amount = Convert.ToDouble(amountValue, CultureInfo.InvariantCulture);
                bool fromConstant = TryReviewDate(instance, symbols, now, out DateTimeOffset start, out _) && start != DateTimeOffset.MaxValue;
                DateTimeOffset origin = fromConstant ? start : now;
                try
                {
                    date = add.TargetMethod.Name switch
                    {
                        "AddYears" => origin.AddYears((int)amount),
                        "AddMonths" => origin.AddMonths((int)amount),
                        _ => origin.AddDays(amount),
                    };
                }
                catch (ArgumentOutOfRangeException)
                {
                    return false;
                }

                description = fromConstant
                    ? "on " + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : string.Format(CultureInfo.InvariantCulture, "{0} {1} from now", amount, add.TargetMethod.Name.Substring(3).ToLowerInvariant());
                return true;

            default:
                return false;
        }
    }

    private static bool IsDateType(ITypeSymbol? type, KnownSymbols symbols) =>
        KnownSymbols.Is(type, symbols.DateTimeOffset) || KnownSymbols.Is(type, symbols.DateTime);

    private static bool TryConstruct(IObjectCreationOperation creation, out DateTimeOffset date)
    {
        date = default;
        var parts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (IArgumentOperation argument in creation.Arguments)
        {
            string? name = argument.Parameter?.Name;
            if (name is not ("year" or "month" or "day" or "hour" or "minute" or "second"))
            {
                continue; // an offset, milliseconds or a calendar do not move a date by a year
            }

            if (argument.Value.ConstantValue is not { HasValue: true, Value: int value })
            {
                return false;
            }

            parts[name] = value;
        }

        if (!parts.TryGetValue("year", out int year) || !parts.TryGetValue("month", out int month) || !parts.TryGetValue("day", out int day))
        {
            return false;
        }

        try
        {
            date = new DateTimeOffset(year, month, day, Part(parts, "hour"), Part(parts, "minute"), Part(parts, "second"), TimeSpan.Zero);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static int Part(Dictionary<string, int> parts, string name) => parts.TryGetValue(name, out int value) ? value : 0;
}

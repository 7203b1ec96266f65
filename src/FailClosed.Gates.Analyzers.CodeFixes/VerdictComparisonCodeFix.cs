using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace FailClosed.Gates.Analyzers.CodeFixes;

/// <summary>Fixes FCG0003: replaces a leaky verdict comparison with <c>IsAllowed</c> or <c>IsBlocked</c> (or a comparison with <c>Verdict.Allow</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(VerdictComparisonCodeFix))]
[Shared]
public sealed class VerdictComparisonCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LeakyVerdictComparison);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(VerdictComparisonAnalyzer.ReplacementKey, out string? member) || member is null)
            {
                continue;
            }

            ExpressionSyntax? replacement = Replacement(root, diagnostic, member);
            if (replacement is null || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax comparison)
            {
                continue;
            }

            string title = "Use " + member;
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(comparison, replacement.WithTriviaFrom(comparison).WithAdditionalAnnotations(Formatter.Annotation)))),
                    equivalenceKey: title),
                diagnostic);
        }
    }

    private static ExpressionSyntax? Replacement(SyntaxNode root, Diagnostic diagnostic, string member)
    {
        ImmutableArray<Location> locations = diagnostic.AdditionalLocations.ToImmutableArray();
        if (diagnostic.Properties.ContainsKey(VerdictComparisonAnalyzer.HasReceiverKey) && locations.Length > 2
            && root.FindNode(locations[2].SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax receiver)
        {
            return SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                receiver.WithoutTrivia(),
                SyntaxFactory.IdentifierName(member));
        }

        if (locations.Length < 2
            || root.FindNode(locations[0].SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax verdict
            || root.FindNode(locations[1].SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax constant)
        {
            return null;
        }

        ExpressionSyntax allow = constant switch
        {
            MemberAccessExpressionSyntax access => access.WithName(SyntaxFactory.IdentifierName("Allow")),
            IdentifierNameSyntax => SyntaxFactory.IdentifierName("Allow"),
            _ => null!,
        };
        if (allow is null)
        {
            return null;
        }

        return SyntaxFactory.BinaryExpression(
            member == "IsAllowed" ? SyntaxKind.EqualsExpression : SyntaxKind.NotEqualsExpression,
            verdict.WithoutTrivia(),
            allow.WithoutTrivia());
    }
}

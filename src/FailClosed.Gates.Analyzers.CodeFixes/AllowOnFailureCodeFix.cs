using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FailClosed.Gates.Analyzers.CodeFixes;

/// <summary>Fixes FCG0005: rethrows instead of allowing, so <c>EvaluateAsync</c> turns the failure into a block.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AllowOnFailureCodeFix))]
[Shared]
public sealed class AllowOnFailureCodeFix : CodeFixProvider
{
    private const string Title = "Rethrow: let the gate block";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.AllowOnFailure);

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
            if (root.FindNode(diagnostic.Location.SourceSpan) is not ReturnStatementSyntax returnStatement)
            {
                continue;
            }

            ThrowStatementSyntax rethrow = SyntaxFactory.ThrowStatement().WithTriviaFrom(returnStatement);
            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(returnStatement, rethrow))),
                    equivalenceKey: Title),
                diagnostic);
        }
    }
}

using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FailClosed.Gates.Docs.Tests;

/// <summary>
/// Compiles a Markdown C# block as the top-level statements of a program, against the built libraries, with the
/// declarations of <c>Prelude/</c> and a local for each placeholder the block uses but does not declare.
/// </summary>
/// <remarks>
/// Placeholders are locals, not fields, because that is what a reader's code has: a <c>static</c> lambda that
/// captures one fails here as it would for them.
/// </remarks>
internal static partial class SnippetCompiler
{
    /// <summary>The names a README may use without declaring them, and their types (see <c>Prelude/</c>).</summary>
    private static readonly (string Name, string Type)[] Placeholders =
    [
        ("cancellationToken", "CancellationToken"),
        ("timeProvider", "TimeProvider"),
        ("payment", "Payment"),
        ("paymentRequest", "PaymentRequest"),
        ("screening", "IScreeningService"),
        ("invoice", "Invoice"),
        ("payments", "IPaymentService"),
        ("approvalGate", "Gate<Invoice>"),
        ("evidenceSink", "IEvidenceSink"),
        ("reviewQueue", "IReviewQueue"),
        ("reviewerDirectory", "IReviewerDirectory"),
        ("executionId", "string"),
        ("serviceProvider", "IServiceProvider"),
        ("executor", "EvidenceFirstExecutor"),
        ("toolGate", "Gate<ToolCall>"),
        ("tools", "IList<Microsoft.Extensions.AI.AITool>"),
        ("agentIdentity", "VerifiedIdentity"),
        ("chatClient", "Microsoft.Extensions.AI.IChatClient"),
        ("mcpClient", "ModelContextProtocol.Client.McpClient"),
        ("decisionPoint", "IPolicyDecisionPoint<ToolCall>"),
        ("aclService", "IEntitlementSource"),
    ];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    private static readonly Lazy<ImmutableArray<SyntaxTree>> Prelude = new(LoadPrelude);

    /// <summary>Returns the errors of compiling <paramref name="snippet"/>, each located in its Markdown document.</summary>
    public static IReadOnlyList<string> Errors(MarkdownSnippet snippet)
    {
        var source = new StringBuilder();
        var statements = new StringBuilder();
        int usings = 0;
        foreach (string line in snippet.Code.Split('\n'))
        {
            // A block may start with its own using directives; they belong at the top of the file.
            if (UsingDirective().IsMatch(line))
            {
                source.AppendLine(line.TrimEnd('\r'));
                usings++;
            }
            else
            {
                statements.AppendLine(line.TrimEnd('\r'));
            }
        }

        string code = statements.ToString();
        foreach ((string name, string type) in Placeholders)
        {
            if (Regex.IsMatch(code, $@"\b{name}\b") && !Declares(code, name))
            {
                source.AppendLine($"{type} {name} = Docs.Given<{type}>();");
            }
        }

        int firstLine = source.ToString().Count(c => c == '\n') - usings;
        source.Append(code);

        SyntaxTree tree = CSharpSyntaxTree.ParseText(
            source.ToString(),
            new CSharpParseOptions(LanguageVersion.Latest),
            path: snippet.Document);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Snippet",
            [.. Prelude.Value, tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        using var pe = new MemoryStream();
        ImmutableArray<Diagnostic> diagnostics = compilation.Emit(pe).Diagnostics;
        var errors = new List<string>();
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (diagnostic.Severity != DiagnosticSeverity.Error)
            {
                continue;
            }

            FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
            string where = diagnostic.Location.SourceTree == tree
                ? $"{snippet.Document}:{snippet.Line + 1 + span.StartLinePosition.Line - firstLine - usings}"
                : span.Path;
            errors.Add($"{where}: {diagnostic.Id} {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return errors;
    }

    private static bool Declares(string code, string name) =>
        Regex.IsMatch(code, $@"(\bvar|[\w>\]?])\s+{name}\s*(=|;|\bin\b)")
        || Regex.IsMatch(code, $@"\bout\s+\w+\s+{name}\b");

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The test host's trusted platform assemblies are the framework plus every assembly this project references,
        // the built FailClosed.Gates libraries included.
        string tpa = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
            ?? throw new InvalidOperationException("The runtime did not list its trusted platform assemblies.");
        return [.. tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(static p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(static p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    private static ImmutableArray<SyntaxTree> LoadPrelude() =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Prelude"), "*.cs")
            .Order(StringComparer.Ordinal)
            .Select(static p => CSharpSyntaxTree.ParseText(File.ReadAllText(p), new CSharpParseOptions(LanguageVersion.Latest), path: "Prelude/" + Path.GetFileName(p)))];

    [GeneratedRegex(@"^\s*using\s+[\w.]+\s*;\s*$")]
    private static partial Regex UsingDirective();
}

using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using FailClosed.Gates.Analyzers.Tests.TestUtilities;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FailClosed.Gates.Analyzers.Tests;

/// <summary>
/// Each rule's page shows first the mistake (its line marked <c>// FCGxxxx</c>), then the fix: the analyzers must
/// report the mistake on that line and nothing in the fix, so the docs cannot drift from what the rules do.
/// </summary>
public sealed partial class DocsExampleTests
{
    private static readonly (string Name, string Type)[] Placeholders =
    [
        ("approvalGate", "Gate<Invoice>"),
        ("invoice", "Invoice"),
        ("payments", "IPaymentService"),
        ("cancellationToken", "CancellationToken"),
    ];

    public static TheoryData<string> Pages() => [.. Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs", "analyzers"), "FCG*.md")
        .Select(static p => Path.GetFileNameWithoutExtension(p))
        .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_FirstExample_IsReportedOnItsMarkedLine_AndTheFixIsClean(string id)
    {
        string[] blocks = CSharpBlocks(File.ReadAllText(Path.Combine(Repository.Root, "docs", "analyzers", id + ".md")));
        Assert.True(blocks.Length >= 2, $"{id}.md should show the mistake and then the fix.");

        string mistake = blocks[0];
        int markedLine = Array.FindIndex(mistake.Split('\n'), l => l.Contains("// " + id, StringComparison.Ordinal));
        Assert.True(markedLine >= 0, $"The first example of {id}.md should mark its flagged line with '// {id}'.");

        ImmutableArray<Diagnostic> reported = await AnalyzeAsync(mistake);
        Assert.Contains(reported, d => d.Id == id && d.Location.GetLineSpan().StartLinePosition.Line - Header(mistake).Lines == markedLine);

        foreach (string fix in blocks.Skip(1))
        {
            Assert.Empty(await AnalyzeAsync(fix));
        }
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string block)
    {
        (string header, _) = Header(block);
        string prelude = File.ReadAllText(Path.Combine(Repository.Root, "tests", "FailClosed.Gates.Docs.Tests", "Prelude", "Placeholders.cs"));
        var parse = new CSharpParseOptions(LanguageVersion.CSharp12);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "DocsExample",
            [CSharpSyntaxTree.ParseText(prelude, parse, path: "Prelude.cs"), CSharpSyntaxTree.ParseText(header + block, parse, path: "Example.cs")],
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        ImmutableArray<Diagnostic> errors = [.. compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error)];
        Assert.True(errors.IsEmpty, "The example does not compile: " + string.Join("; ", errors));

        DiagnosticAnalyzer[] analyzers = [.. typeof(DiagnosticIds).Assembly.GetTypes()
            .Where(static t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(static t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)];
        var options = new AnalyzerOptions(
            [],
            new ConfigOptions(ImmutableDictionary<string, string>.Empty.Add(FailOpenExemptionAnalyzer.ReferenceDateKey, "2026-12-01")));
        return await compilation.WithAnalyzers([.. analyzers], options).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>Declares the placeholders the block uses but does not declare, as the docs test does.</summary>
    private static (string Text, int Lines) Header(string block)
    {
        var header = new StringBuilder();
        foreach ((string name, string type) in Placeholders)
        {
            if (Regex.IsMatch(block, $@"\b{name}\b"))
            {
                header.Append(type).Append(' ').Append(name).Append(" = Docs.Given<").Append(type).Append(">();\n");
            }
        }

        string text = header.ToString();
        return (text, text.Count(static c => c == '\n'));
    }

    private static string[] CSharpBlocks(string markdown) =>
        [.. CSharpBlock().Matches(markdown.Replace("\r\n", "\n", StringComparison.Ordinal)).Select(static m => m.Groups[1].Value)];

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}

namespace FailClosed.Gates.Docs.Tests;

public sealed class ReadmeSnippetTests
{
    public static TheoryData<string, int> Snippets()
    {
        var data = new TheoryData<string, int>();
        foreach (string document in Repository.Documents())
        {
            foreach (MarkdownSnippet snippet in MarkdownSnippet.Read(Repository.Root, document))
            {
                data.Add(snippet.Document, snippet.Line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_CompilesAgainstTheBuiltLibraries(string document, int line)
    {
        MarkdownSnippet snippet = MarkdownSnippet.Read(Repository.Root, Path.Combine(Repository.Root, document))
            .Single(s => s.Line == line);

        IReadOnlyList<string> errors = SnippetCompiler.Errors(snippet);

        Assert.True(errors.Count == 0, $"The C# block at {snippet} does not compile:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void Documents_IncludeTheReadmeAndEveryPackageReadme()
    {
        string[] documents = [.. Repository.Documents().Select(d => Path.GetRelativePath(Repository.Root, d).Replace('\\', '/'))];

        Assert.Contains("README.md", documents);
        foreach (string project in Directory.EnumerateDirectories(Path.Combine(Repository.Root, "src")))
        {
            if (File.Exists(Path.Combine(project, "README.md")))
            {
                Assert.Contains($"src/{Path.GetFileName(project)}/README.md", documents);
            }
        }

        Assert.True(
            MarkdownSnippet.Read(Repository.Root, Path.Combine(Repository.Root, "README.md")).Count() >= 4,
            "README.md should hold its C# examples in ```csharp blocks.");
    }

    [Fact]
    public void Errors_StaticLambdaCapturingAPlaceholder_IsReportedAtTheReadmeLine()
    {
        var snippet = new MarkdownSnippet("README.md", 10, """
            Gate<Payment> gate = Gate.Require<Payment>(
                "screened", static (p, ct) => screening.IsClearAsync(p.Beneficiary, ct));
            """);

        IReadOnlyList<string> errors = SnippetCompiler.Errors(snippet);

        string error = Assert.Single(errors);
        Assert.StartsWith("README.md:12: CS8820", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_MisspelledApi_IsReported()
    {
        var snippet = new MarkdownSnippet("README.md", 1, "Gate<Payment> gate = Gate.Requires<Payment>(\"x\", static p => true);\n");

        Assert.Contains(SnippetCompiler.Errors(snippet), e => e.Contains("CS0117", StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_UsingDirectiveInBlock_IsHoisted()
    {
        var snippet = new MarkdownSnippet("README.md", 1, "using System.Text;\n\nvar builder = new StringBuilder();\nbuilder.Append(payment.Amount);\n");

        Assert.Empty(SnippetCompiler.Errors(snippet));
    }
}

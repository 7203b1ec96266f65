using System.Text;

namespace FailClosed.Gates.Docs.Tests;

/// <summary>One fenced C# code block of a Markdown document.</summary>
/// <param name="Document">The document's path relative to the repository root.</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Code">The block's text.</param>
public sealed record MarkdownSnippet(string Document, int Line, string Code)
{
    private static readonly string[] CSharpFences = ["```csharp", "```cs", "```c#"];

    /// <summary>Gets the block's location as <c>README.md:42</c>, which is how xunit names each case.</summary>
    public override string ToString() => $"{Document}:{Line}";

    /// <summary>Reads every C# block of <paramref name="path"/>; blocks in other languages are not C# and are skipped.</summary>
    public static IEnumerable<MarkdownSnippet> Read(string root, string path)
    {
        string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].Trim();
            if (!Array.Exists(CSharpFences, f => string.Equals(fence, f, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            int start = i;
            var code = new StringBuilder();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                code.AppendLine(lines[i]);
            }

            if (i == lines.Length)
            {
                throw new InvalidOperationException($"The C# block at {relative}:{start + 1} has no closing fence.");
            }

            yield return new MarkdownSnippet(relative, start + 1, code.ToString());
        }
    }
}

namespace FailClosed.Gates.Docs.Tests;

/// <summary>Finds the repository's documents from the test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Gets every Markdown document a user reads: the READMEs, the package READMEs and docs/.</summary>
    public static IEnumerable<string> Documents()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true };
        foreach (string path in Directory.EnumerateFiles(Root, "*.md", options))
        {
            string relative = Path.GetRelativePath(Root, path).Replace('\\', '/');
            if (relative.Contains("/bin/", StringComparison.Ordinal)
                || relative.Contains("/obj/", StringComparison.Ordinal)
                || relative.StartsWith("benchmarks/results/", StringComparison.Ordinal)
                || relative.StartsWith('.'))
            {
                continue;
            }

            yield return path;
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FailClosed.Gates.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No FailClosed.Gates.sln above '{AppContext.BaseDirectory}'.");
    }
}

using System.Reflection;

namespace FailClosed.Gates.Analyzers.Tests.TestUtilities;

/// <summary>Finds the repository and the build configuration from the test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

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

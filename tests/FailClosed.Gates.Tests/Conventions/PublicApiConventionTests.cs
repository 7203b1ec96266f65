using System.Reflection;

namespace FailClosed.Gates.Tests.Conventions;

/// <summary>Conventions checked by reflection over the shipped assembly.</summary>
public sealed class PublicApiConventionTests
{
    // Types open for extension on purpose; each is documented as such.
    private static readonly HashSet<Type> OpenByDesign = [typeof(Gate<>), typeof(ExecutionTelemetry)];

    private static readonly Assembly Library = typeof(Gate).Assembly;

    [Fact]
    public void EveryClass_IsSealedStaticOrOpenByDesign()
    {
        string[] open = Library.GetTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !IsCompilerGenerated(t))
            .Concat(Library.GetTypes().Where(t => t.IsClass && t.IsAbstract && !t.IsSealed && !OpenByDesign.Contains(t.IsGenericType ? t.GetGenericTypeDefinition() : t) && t.IsPublic))
            .Select(t => t.FullName!)
            .ToArray();

        Assert.Empty(open);
    }

    [Fact]
    public void PublicStructs_AreReadOnly()
    {
        string[] mutable = Library.GetExportedTypes()
            .Where(t => t.IsValueType && !t.IsEnum && t.GetCustomAttributes().All(a => a.GetType().Name != "IsReadOnlyAttribute"))
            .Select(t => t.FullName!)
            .ToArray();

        Assert.Empty(mutable);
    }

    [Fact]
    public void Verdict_DefaultIsIndeterminate_AndOnlyAllowIsTwo()
    {
        Assert.Equal(0, (int)Verdict.Indeterminate);
        Assert.Equal(2, (int)Verdict.Allow);
    }

    [Fact]
    public void GateCodes_AreUniqueAndEqualToTheirNames()
    {
        FieldInfo[] codes = typeof(GateCodes).GetFields(BindingFlags.Public | BindingFlags.Static);

        Assert.All(codes, f => Assert.Equal(f.Name, (string)f.GetValue(null)!));
        Assert.Equal(codes.Length, codes.Select(f => (string)f.GetValue(null)!).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void GateCodes_AreAllInTheReadmeTable()
    {
        string readme = File.ReadAllText(FindRepositoryFile("README.md"));

        string[] missing = typeof(GateCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetValue(null)!)
            .Where(code => !readme.Contains($"| `{code}` |", StringComparison.Ordinal))
            .ToArray();

        Assert.Empty(missing);
    }

    private static bool IsCompilerGenerated(Type type) =>
        type.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is not null
        || type.Name.Contains('<', StringComparison.Ordinal);

    private static string FindRepositoryFile(string name)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, name);
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "FailClosed.Gates.sln")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Could not find {name} above {AppContext.BaseDirectory}.");
    }
}

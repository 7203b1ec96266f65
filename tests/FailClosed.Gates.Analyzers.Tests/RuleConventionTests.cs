using System.Reflection;
using System.Text.RegularExpressions;
using FailClosed.Gates.Analyzers.CodeFixes;
using FailClosed.Gates.Analyzers.Tests.TestUtilities;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FailClosed.Gates.Analyzers.Tests;

public sealed partial class RuleConventionTests
{
    private static readonly DiagnosticAnalyzer[] Analyzers = [.. typeof(DiagnosticIds).Assembly.GetTypes()
        .Where(static t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .Select(static t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)];

    private static readonly DiagnosticDescriptor[] Descriptors = [.. Analyzers.SelectMany(static a => a.SupportedDiagnostics)];

    [Fact]
    public void Analyzers_AreFoundByReflection()
    {
        Assert.True(Analyzers.Length >= 6, $"Found {Analyzers.Length} analyzers.");
        Assert.All(Analyzers, static a => Assert.NotNull(a.GetType().GetCustomAttribute<DiagnosticAnalyzerAttribute>()));
    }

    [Fact]
    public void HelpLinkUri_EveryDescriptor_PointsAtItsDocsPage()
    {
        Assert.All(Descriptors, static d => Assert.Equal(
            $"https://github.com/failclosed/FailClosed.Gates/blob/main/docs/analyzers/{d.Id}.md",
            d.HelpLinkUri));
    }

    [Fact]
    public void DocsPage_EveryDescriptor_ExistsAndNamesTheRule()
    {
        Assert.All(Descriptors, static d =>
        {
            string page = Path.Combine(Repository.Root, "docs", "analyzers", d.Id + ".md");
            Assert.True(File.Exists(page), $"{d.Id} has no page at '{page}'.");
            Assert.StartsWith($"# {d.Id}: {d.Title}", File.ReadAllText(page), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Ids_EveryConstant_IsUniqueWellFormedAndReported()
    {
        string[] ids = [.. typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(static f => (string)f.GetRawConstantValue()!)];

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, static id => Assert.Matches(IdPattern(), id));
        Assert.Equal(ids.Order(StringComparer.Ordinal), Descriptors.Select(static d => d.Id).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Descriptors_AreWarningsEnabledByDefault_AndTheReadmeListsThem()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        Assert.All(Descriptors, d =>
        {
            Assert.Equal(DiagnosticSeverity.Warning, d.DefaultSeverity);
            Assert.True(d.IsEnabledByDefault);
            Assert.Contains($"[{d.Id}](docs/analyzers/{d.Id}.md)", readme, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void CodeFixes_FixOnlyKnownRules_AndLiveOutsideTheAnalyzerAssembly()
    {
        CodeFixProvider[] fixes = [.. typeof(VerdictComparisonCodeFix).Assembly.GetTypes()
            .Where(static t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(static t => (CodeFixProvider)Activator.CreateInstance(t)!)];

        Assert.NotEmpty(fixes);
        Assert.NotEqual(typeof(DiagnosticIds).Assembly, typeof(VerdictComparisonCodeFix).Assembly);
        Assert.DoesNotContain(
            typeof(DiagnosticIds).Assembly.GetReferencedAssemblies(),
            static a => a.Name!.Contains("Workspaces", StringComparison.Ordinal));
        Assert.All(fixes.SelectMany(static f => f.FixableDiagnosticIds), static id => Assert.Contains(Descriptors, d => d.Id == id));
    }

    [Fact]
    public void Analyzers_ReferenceRoslyn48_SoOlderSdksAndIdesLoadThem()
    {
        AssemblyName roslyn = typeof(DiagnosticIds).Assembly.GetReferencedAssemblies().Single(static a => a.Name == "Microsoft.CodeAnalysis");

        Assert.Equal(new Version(4, 8, 0, 0), roslyn.Version);
        Assert.Equal(".NETStandard,Version=v2.0", typeof(DiagnosticIds).Assembly.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()?.FrameworkName);
    }

    [GeneratedRegex("^FCG[0-9]{4}$")]
    private static partial Regex IdPattern();
}

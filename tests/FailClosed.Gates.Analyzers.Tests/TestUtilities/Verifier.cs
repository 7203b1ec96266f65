using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace FailClosed.Gates.Analyzers.Tests.TestUtilities;

/// <summary>
/// Runs an analyzer (and a code fix) over C# source with <c>{|FCG0001:...|}</c> markup for the expected spans.
/// </summary>
/// <remarks>
/// Hermetic: the test compilations reference the running .NET runtime and the built FailClosed.Gates assembly,
/// never reference packs downloaded from a feed.
/// </remarks>
internal static class Verifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>The usings every test source starts with, so cases read like user code.</summary>
    public const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using FailClosed.Gates;

        """;

    /// <summary>Asserts that the analyzer reports exactly the marked spans.</summary>
    public static Task AnalyzeAsync(string source, string? editorConfig = null) => AnalyzeAsync(source, editorConfig, []);

    /// <summary>Asserts the marked spans plus <paramref name="expected"/> (for <c>{|#0:...|}</c> locations with message arguments).</summary>
    public static Task AnalyzeAsync(string source, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = Usings + source };
        test.ExpectedDiagnostics.AddRange(expected);
        Configure(test, editorConfig);
        return test.RunAsync();
    }

    /// <summary>Asserts the marked spans, and that applying every fix turns <paramref name="source"/> into <paramref name="fixedSource"/>.</summary>
    public static Task FixAsync<TFix>(string source, string fixedSource)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
        };
        Configure(test, editorConfig: null);
        return test.RunAsync();
    }

    private static void Configure(AnalyzerTest<DefaultVerifier> test, string? editorConfig)
    {
        // No reference pack: the runtime's own assemblies stand in for it (see TestReferences).
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig + "\n"));
        }
    }
}

using System.Collections.Immutable;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace FailClosed.Gates.Analyzers.Tests.TestUtilities;

/// <summary>
/// The references of every test compilation: the running .NET runtime and the built FailClosed.Gates assembly.
/// Nothing is downloaded, so the tests are hermetic.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Lazy = new(static () =>
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return [.. Directory.EnumerateFiles(runtime, "*.dll")
            .Where(static p => IsManaged(p))
            .Append(typeof(GateDecision).Assembly.Location)
            .Select(static p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static ImmutableArray<MetadataReference> All => Lazy.Value;

    private static bool IsManaged(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata;
    }
}

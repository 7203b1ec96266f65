using System.Reflection;
using System.Reflection.Metadata;
using System.Text.Json;

namespace FailClosed.Gates.Tests.Conventions;

/// <summary>What a user who installs the package gets besides the API: a debuggable, attributable build.</summary>
public sealed class PackageConventionTests
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public void Pdb_MapsSourcesToTheRepositoryAtOneCommit()
    {
        string assembly = typeof(Gate).Assembly.Location;
        using FileStream pdbStream = File.OpenRead(Path.ChangeExtension(assembly, ".pdb"));
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
        MetadataReader pdb = provider.GetMetadataReader();

        string? sourceLink = null;
        foreach (CustomDebugInformationHandle handle in pdb.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
        {
            CustomDebugInformation info = pdb.GetCustomDebugInformation(handle);
            if (pdb.GetGuid(info.Kind) == SourceLinkKind)
            {
                sourceLink = System.Text.Encoding.UTF8.GetString(pdb.GetBlobBytes(info.Value));
            }
        }

        Assert.NotNull(sourceLink);
        using JsonDocument map = JsonDocument.Parse(sourceLink);
        string target = Assert.Single(map.RootElement.GetProperty("documents").EnumerateObject()).Value.GetString()!;
        Assert.Matches("^https://raw.githubusercontent.com/[^/]+/FailClosed.Gates/[0-9a-f]{40}/\\*$", target);
    }

    [Fact]
    public void Assembly_CarriesTheRepositoryUrlAndAVersionFromGit()
    {
        Assembly library = typeof(Gate).Assembly;
        string? repository = library.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "RepositoryUrl")?.Value;
        string version = library.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        Assert.StartsWith("https://", repository, StringComparison.Ordinal);
        // MinVer: MAJOR.MINOR.PATCH[-pre-release] from the nearest v-tag, with the commit as build metadata.
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?\+[0-9a-f]{40}$", version);
    }
}

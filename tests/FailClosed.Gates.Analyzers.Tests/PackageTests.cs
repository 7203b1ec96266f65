using System.Diagnostics;
using System.IO.Compression;
using FailClosed.Gates.Analyzers.Tests.TestUtilities;

namespace FailClosed.Gates.Analyzers.Tests;

public sealed class PackageTests
{
    [Fact]
    public void Pack_CorePackage_CarriesTheAnalyzersUnderAnalyzersDotnetCs()
    {
        string output = Directory.CreateTempSubdirectory("fcg-pack-").FullName;
        try
        {
            // Packs what this test run already built (--no-build): a few seconds, no network.
            (int exitCode, string log) = Run(
                "pack", Repository.Metadata("CoreProject"), "-c", Repository.Metadata("Configuration"), "--no-build", "--no-restore", "-o", output);
            Assert.True(exitCode == 0, "dotnet pack failed:\n" + log);

            string package = Directory.EnumerateFiles(output, "FailClosed.Gates.*.nupkg")
                .Single(static p => !p.EndsWith(".snupkg", StringComparison.Ordinal) && !p.EndsWith(".symbols.nupkg", StringComparison.Ordinal));
            using ZipArchive zip = ZipFile.OpenRead(package);
            string[] entries = [.. zip.Entries.Select(static e => e.FullName)];

            Assert.Contains("analyzers/dotnet/cs/FailClosed.Gates.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/FailClosed.Gates.Analyzers.CodeFixes.dll", entries);
            Assert.DoesNotContain(entries, static e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Analyzers", StringComparison.Ordinal));

            ZipArchiveEntry nuspec = zip.Entries.Single(static e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            using var reader = new StreamReader(nuspec.Open());
            Assert.DoesNotContain("FailClosed.Gates.Analyzers", reader.ReadToEnd(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static (int ExitCode, string Log) Run(params string[] arguments)
    {
        string? current = Environment.ProcessPath;
        var start = new ProcessStartInfo(current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host may run inside an MSBuild node; the child must start its own build, not join that one.
        foreach (string key in start.Environment.Keys.Where(static k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "dotnet pack did not finish within five minutes.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

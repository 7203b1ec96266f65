using System.Diagnostics;

namespace FailClosed.Gates.Testing;

/// <summary>
/// Runs a built .NET program as a child process under an unprivileged user, for tests of permission failures: root
/// ignores file modes, and the tests run as root in CI. As root the child runs as <c>nobody</c> (uid and gid 65534)
/// through <c>setpriv</c> from util-linux; otherwise it runs as the current user. It never skips: a root that cannot
/// drop privileges fails the test.
/// </summary>
internal static class UnprivilegedProcess
{
    public const int Uid = 65534;

    /// <summary>Gets whether the child will run as a user that file modes apply to.</summary>
    public static bool DropsPrivileges => Environment.IsPrivilegedProcess;

    /// <summary>Runs <paramref name="dll"/> with <paramref name="args"/> and returns its exit code and output.</summary>
    /// <param name="dll">The program's main assembly; its directory is copied where the unprivileged user can read it.</param>
    /// <param name="args">The arguments.</param>
    public static (int Code, string Output, string Error) Run(string dll, params string[] args)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException("The permission tests use POSIX file modes; run them on Linux or macOS.");
        }

        string app = CopyReadable(Path.GetDirectoryName(dll)!);
        string dotnet = DotnetHost();
        ProcessStartInfo start;
        if (DropsPrivileges)
        {
            string setpriv = FindOnPath("setpriv")
                ?? throw new InvalidOperationException("The tests run as root and must drop privileges to test permission failures, but 'setpriv' (util-linux) is not on PATH. Install util-linux; the test is not skipped.");
            start = new ProcessStartInfo(setpriv);
            foreach (string arg in new[] { $"--reuid={Uid}", $"--regid={Uid}", "--clear-groups", "--", dotnet })
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            start = new ProcessStartInfo(dotnet);
        }

        start.ArgumentList.Add(Path.Combine(app, Path.GetFileName(dll)));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        try
        {
            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.GetAwaiter().GetResult());
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    /// <summary>Makes a directory tree for the child: owned by the current user, with <paramref name="mode"/>.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The permission tests use POSIX file modes.");
        }

        File.SetUnixFileMode(path, mode);
    }

    private static string CopyReadable(string source)
    {
        string target = Path.Combine(Path.GetTempPath(), "fcgates-unprivileged", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        Open(Path.GetDirectoryName(target)!);
        Open(target);
        foreach (string directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(target, Path.GetRelativePath(source, directory));
            Directory.CreateDirectory(copy);
            Open(copy);
        }

        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(target, Path.GetRelativePath(source, file));
            File.Copy(file, copy);
            SetMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        return target;

        static void Open(string directory) => SetMode(
            directory,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return FindOnPath("dotnet") ?? throw new InvalidOperationException("The 'dotnet' host is not on PATH.");
    }

    private static string? FindOnPath(string name)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

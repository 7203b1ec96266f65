using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace FailClosed.Gates.PostgreSql.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb into a temporary directory, started with pg_ctl on a free loopback port,
/// stopped and deleted on dispose (and on process exit). Run as root, it runs the server as the 'postgres' user.
/// Fails loudly — never skips — when PostgreSQL is not installed or does not start.
/// </summary>
public sealed class PostgreSqlServer : IDisposable
{
    private const string ServiceUser = "postgres";

    private readonly string _bin;
    private readonly string _directory;
    private readonly string _dataDirectory;
    private readonly bool _asServiceUser;
    private readonly string _options;
    private int _disposed;

    private PostgreSqlServer(string bin, string directory, bool asServiceUser, int port, bool fsync)
    {
        _bin = bin;
        _directory = directory;
        _dataDirectory = Path.Combine(directory, "data");
        _asServiceUser = asServiceUser;
        Port = port;
        _options = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={directory} -c max_connections=200 -c shared_buffers=64MB -c fsync={(fsync ? "on" : "off")}");
    }

    /// <summary>Gets the TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets a connection string for the superuser 'postgres' (trust authentication, loopback only).</summary>
    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50;Timeout=5;Command Timeout=30");

    /// <summary>Creates and starts a cluster.</summary>
    /// <param name="fsync">Whether the server flushes to disk; off for tests (the sink's logic does not depend on it), on for benchmarks.</param>
    public static PostgreSqlServer Start(bool fsync = false)
    {
        string bin = FindBinaries();
        bool asServiceUser = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || IsRoot();
        string directory = Path.Combine(Path.GetTempPath(), "fcgates-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (asServiceUser)
        {
            Run("chown", [ServiceUser, directory], asUser: null, TimeSpan.FromSeconds(30), $"The directory '{directory}' could not be given to the '{ServiceUser}' user. As root, the tests run the server as '{ServiceUser}' (root cannot): create it with 'useradd --system --create-home {ServiceUser}' or install the Debian 'postgresql' package.");
        }

        var server = new PostgreSqlServer(bin, directory, asServiceUser, FreePort(), fsync);
        try
        {
            server.Run("initdb", ["-D", server._dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], TimeSpan.FromSeconds(120));
            server.StartServer();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    /// <summary>Creates a data source on the cluster.</summary>
    public NpgsqlDataSource CreateDataSource(Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        configure?.Invoke(builder);
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Stops the server (fast shutdown: open sessions are terminated).</summary>
    public void Stop() => Run("pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], TimeSpan.FromSeconds(90));

    /// <summary>Starts the server again on the same port.</summary>
    public void StartServer() =>
        Run("pg_ctl", ["-D", _dataDirectory, "-l", Path.Combine(_directory, "server.log"), "-o", _options, "-w", "-t", "60", "start"], TimeSpan.FromSeconds(90));

    /// <summary>Stops the server and deletes its directory.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                Run("pg_ctl", ["-D", _dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], TimeSpan.FromSeconds(60));
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the directory still goes.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Run(string tool, string[] arguments, TimeSpan timeout) =>
        Run(Path.Combine(_bin, tool), arguments, _asServiceUser ? ServiceUser : null, timeout, $"'{tool}' failed");

    private static void Run(string fileName, string[] arguments, string? asUser, TimeSpan timeout, string failure)
    {
        var start = new ProcessStartInfo
        {
            FileName = asUser is null ? fileName : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asUser is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(asUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(fileName);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{failure}: '{fileName}' did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{failure}: '{fileName} {string.Join(' ', arguments)}' did not finish within {timeout}.");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{failure}: '{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}.\n{output.Result}\n{error.Result}");
        }
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("FCGATES_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        const string root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            string? best = Directory.GetDirectories(root)
                .Where(static d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(static d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0)
                .FirstOrDefault();
            if (best is not null)
            {
                return Path.Combine(best, "bin");
            }
        }

        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (directory.Length > 0 && File.Exists(Path.Combine(directory, "initdb")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/<version>/bin, on PATH or in FCGATES_PG_BIN. " +
            "The PostgreSQL tests start a throwaway server and never skip: install it once with 'sudo apt-get install -y postgresql' (Debian/Ubuntu).");
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllText("/proc/self/status").Split('\n').Any(static l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

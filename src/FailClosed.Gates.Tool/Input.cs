using System.Security.Cryptography;
using System.Text;

namespace FailClosed.Gates.Tool;

/// <summary>Reads the tool's input files, turning every failure into a message that names the file.</summary>
internal static class Input
{
    /// <summary>Checks that <paramref name="path"/> is an existing file, not a directory.</summary>
    /// <param name="path">The path given on the command line.</param>
    /// <param name="what">What the file is, for messages: "journal", "key file".</param>
    /// <returns><paramref name="path"/>.</returns>
    public static string File(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new InputException($"the {what} '{path}' is a directory, not a file");
        }

        if (!System.IO.File.Exists(path))
        {
            throw new InputException($"the {what} '{path}' does not exist");
        }

        return path;
    }

    /// <summary>Creates a data source for a connection string given on the command line.</summary>
    public static Npgsql.NpgsqlDataSource DataSource(string connectionString)
    {
        try
        {
            return Npgsql.NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the connection string.
            throw new UsageException($"the --connection value is not a valid connection string: {ex.Message}");
        }
    }

    /// <summary>Reads a UTF-8 text file.</summary>
    public static string ReadText(string path, string what)
    {
        File(path, what);
        try
        {
            return System.IO.File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"the {what} '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Loads the trusted keys given as <c>name=key.pem</c>.</summary>
    public static List<CheckpointKey> Keys(IReadOnlyList<string>? specs)
    {
        specs ??= [];
        foreach (string spec in specs)
        {
            int equals = spec.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == spec.Length - 1)
            {
                throw new UsageException($"the key '{spec}' is not in the form name=key.pem");
            }
        }

        var keys = new List<CheckpointKey>();
        foreach (string spec in specs)
        {
            int equals = spec.IndexOf('=', StringComparison.Ordinal);
            string name = spec[..equals];
            string file = spec[(equals + 1)..];
            string pem = ReadText(file, "key file");
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportFromPem(pem);
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                ecdsa.Dispose();
                throw new InputException($"the key file '{file}' does not hold a PEM-encoded ECDSA P-256 key: {ex.Message}", ex);
            }

            if (ecdsa.KeySize != 256)
            {
                ecdsa.Dispose();
                throw new InputException($"the key file '{file}' holds an ECDSA key of {ecdsa.KeySize} bits; checkpoints are signed with P-256");
            }

            try
            {
                keys.Add(new CheckpointKey(name, ecdsa));
            }
            catch (ArgumentException ex)
            {
                ecdsa.Dispose();
                throw new UsageException($"the key name '{name}' cannot be used: {ex.Message}");
            }
        }

        return keys;
    }
}

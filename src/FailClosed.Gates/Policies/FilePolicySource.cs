namespace FailClosed.Gates;

/// <summary>
/// A policy source over a directory laid out as <c>&lt;name&gt;/&lt;version&gt;.policy</c>, each with an optional
/// detached signature in <c>&lt;name&gt;/&lt;version&gt;.policy.sig</c>.
/// </summary>
/// <remarks>
/// <para>
/// It opens exactly the file the pin names: it never lists the directory, never resolves "latest" and never
/// substitutes another version. It reads each file's bytes once and hands those to the pinned gate, whose digest
/// check then decides; a half-written or swapped file therefore fails the check instead of being trusted.
/// Publish new versions under new version names (write to a temporary file, then rename) rather than rewriting one.
/// </para>
/// <para>
/// A missing artifact file is <see langword="null"/> (the pinned gate answers <see cref="GateCodes.PolicyMissing"/>).
/// A <c>.sig</c> file that is not the text form of <see cref="PolicySignature"/>, an artifact larger than the size
/// limit, or any other I/O error throws, which the pinned gate turns into a block.
/// </para>
/// </remarks>
public sealed class FilePolicySource : IPolicySource
{
    /// <summary>The largest artifact read by default: 16 MiB.</summary>
    public const int DefaultMaxArtifactBytes = 16 * 1024 * 1024;

    /// <summary>The extension of artifact files.</summary>
    public const string ArtifactExtension = ".policy";

    /// <summary>The extension appended to an artifact file's name for its detached signature.</summary>
    public const string SignatureExtension = ".sig";

    private readonly int _maxArtifactBytes;

    /// <summary>Initializes a new instance of the <see cref="FilePolicySource"/> class.</summary>
    /// <param name="rootDirectory">The directory holding one subdirectory per policy name; it need not exist yet.</param>
    /// <param name="maxArtifactBytes">The largest artifact read; greater than zero, <see cref="DefaultMaxArtifactBytes"/> by default.</param>
    /// <exception cref="ArgumentException"><paramref name="rootDirectory"/> is null, empty or white space, or not a valid path.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxArtifactBytes"/> is not positive.</exception>
    public FilePolicySource(string rootDirectory, int maxArtifactBytes = DefaultMaxArtifactBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxArtifactBytes);
        RootDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        _maxArtifactBytes = maxArtifactBytes;
    }

    /// <summary>Gets the full path of the root directory.</summary>
    public string RootDirectory { get; }

    /// <summary>Returns the full path of the artifact file for <paramref name="pin"/>.</summary>
    /// <param name="pin">The pin.</param>
    /// <returns><c>&lt;root&gt;/&lt;name&gt;/&lt;version&gt;.policy</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="pin"/> is <c>default(PolicyPin)</c>.</exception>
    public string GetArtifactPath(PolicyPin pin)
    {
        if (pin.IsDefault)
        {
            throw new ArgumentException("default(PolicyPin) names no artifact.", nameof(pin));
        }

        string path = Path.GetFullPath(Path.Combine(RootDirectory, pin.Name, pin.Version + ArtifactExtension));

        // The pin's rules already forbid separators and '..'; this is the second lock on the same door.
        string expectedDirectory = Path.Combine(RootDirectory, pin.Name) + Path.DirectorySeparatorChar;
        if (!path.StartsWith(expectedDirectory, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The pin '{pin}' resolves to '{path}', outside '{expectedDirectory}'; a pin may only name a file in its own policy directory.", nameof(pin));
        }

        return path;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="pin"/> is <c>default(PolicyPin)</c>.</exception>
    /// <exception cref="InvalidDataException">The artifact exceeds the size limit, or its <c>.sig</c> file is malformed.</exception>
    /// <exception cref="IOException">The files could not be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The process may not read the files.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> is canceled.</exception>
    public async ValueTask<PolicyArtifact?> TryLoadAsync(PolicyPin pin, CancellationToken cancellationToken)
    {
        string path = GetArtifactPath(pin);
        byte[]? content = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return null;
        }

        PolicySignature? signature = await ReadSignatureAsync(path + SignatureExtension, cancellationToken).ConfigureAwait(false);
        return new PolicyArtifact(pin, content, signature);
    }

    private static async ValueTask<PolicySignature?> ReadSignatureAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            return PolicySignature.Parse(text);
        }
        catch (FormatException exception)
        {
            throw new InvalidDataException($"The signature file '{path}' is malformed: {exception.Message}", exception);
        }
    }

    private async ValueTask<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            // Share everything: a publisher replacing the file must not be blocked by us; the digest decides what we got.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, useAsync: true);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            long length = stream.Length;
            if (length > _maxArtifactBytes)
            {
                throw new InvalidDataException($"The policy artifact '{path}' is {length} bytes; at most {_maxArtifactBytes} are read.");
            }

            // Read what is there now, once. A file that grows meanwhile is cut at the length seen; the digest catches it.
            byte[] content = new byte[length];
            await stream.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
            return content;
        }
    }
}

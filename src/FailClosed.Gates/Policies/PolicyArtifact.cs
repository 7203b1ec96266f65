namespace FailClosed.Gates;

/// <summary>
/// A policy artifact as a source delivered it: the pin it was asked for, its bytes and an optional detached signature.
/// </summary>
/// <remarks>
/// An artifact proves nothing by itself. A pinned gate copies <see cref="Content"/> once, checks the copy against
/// the pin's digest and, when required, the signature, and compiles only that verified copy.
/// </remarks>
public sealed class PolicyArtifact
{
    /// <summary>Initializes a new instance of the <see cref="PolicyArtifact"/> class.</summary>
    /// <param name="pin">The pin the artifact was loaded for.</param>
    /// <param name="content">The artifact bytes; not copied, so do not change them after handing them over.</param>
    /// <param name="signature">The detached signature, if the source has one.</param>
    /// <exception cref="ArgumentException"><paramref name="pin"/> is <c>default(PolicyPin)</c>.</exception>
    public PolicyArtifact(PolicyPin pin, ReadOnlyMemory<byte> content, PolicySignature? signature = null)
    {
        if (pin.IsDefault)
        {
            throw new ArgumentException("default(PolicyPin) names no artifact; an artifact needs the pin it was loaded for.", nameof(pin));
        }

        Pin = pin;
        Content = content;
        Signature = signature;
    }

    /// <summary>Gets the pin the artifact was loaded for.</summary>
    public PolicyPin Pin { get; }

    /// <summary>Gets the artifact bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>Gets the detached signature, or <see langword="null"/> when the artifact is unsigned.</summary>
    public PolicySignature? Signature { get; }
}

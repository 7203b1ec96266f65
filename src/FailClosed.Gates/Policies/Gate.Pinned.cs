namespace FailClosed.Gates;

/// <summary>Pinned policies: gates compiled from one exact, verified policy artifact.</summary>
public static partial class Gate
{
    /// <summary>
    /// Creates a gate that judges by the gate <paramref name="compile"/> builds from exactly the artifact
    /// <paramref name="pin"/> names, once its digest (and, when required, its signature) has been verified.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="pin">The exact artifact; there is no "latest" and no fallback.</param>
    /// <param name="source">Where the artifact is loaded from.</param>
    /// <param name="compile">Turns the verified artifact into a gate; the rule language is the caller's. An exception or
    /// a null result is <see cref="GateCodes.PolicyInvalid"/>.</param>
    /// <param name="verification">What is checked besides the digest; <see cref="PolicyVerification.DigestOnly"/> when null.</param>
    /// <returns>The gate, named <c>pinned(name@version)</c> (cut to 256 characters, ending <c>…)</c>, when longer).</returns>
    /// <exception cref="ArgumentException"><paramref name="pin"/> is <c>default(PolicyPin)</c>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="compile"/> is null.</exception>
    /// <remarks><inheritdoc cref="Pinned{TContext}(string, PolicyPin, IPolicySource, Func{PolicyArtifact, Gate{TContext}}, PolicyVerification?)" path="/remarks"/></remarks>
    public static Gate<TContext> Pinned<TContext>(
        PolicyPin pin,
        IPolicySource source,
        Func<PolicyArtifact, Gate<TContext>> compile,
        PolicyVerification? verification = null)
    {
        ThrowIfDefault(pin);
        return Pinned(EvidenceName.Compose("pinned", pin.ToLocator()), pin, source, compile, verification);
    }

    /// <summary>
    /// Creates a named gate that judges by the gate <paramref name="compile"/> builds from exactly the artifact
    /// <paramref name="pin"/> names, once its digest (and, when required, its signature) has been verified.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="pin">The exact artifact; there is no "latest" and no fallback.</param>
    /// <param name="source">Where the artifact is loaded from.</param>
    /// <param name="compile">Turns the verified artifact into a gate; the rule language is the caller's. An exception or
    /// a null result is <see cref="GateCodes.PolicyInvalid"/>.</param>
    /// <param name="verification">What is checked besides the digest; <see cref="PolicyVerification.DigestOnly"/> when null.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>, or
    /// <paramref name="pin"/> is <c>default(PolicyPin)</c>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="compile"/> is null.</exception>
    /// <remarks>
    /// <para>
    /// The first evaluation loads the artifact, checks its SHA-256 against the pin in constant time, verifies its
    /// signature when <paramref name="verification"/> requires one, and compiles it. The compiled gate is kept for
    /// the life of this gate, so this happens once however many callers arrive at once. Any failure blocks and is
    /// not kept, so the next evaluation tries again: nothing found is <see cref="GateCodes.PolicyMissing"/>, other
    /// bytes are <see cref="GateCodes.PolicyDigestMismatch"/>, a missing, untrusted or bad signature is
    /// <see cref="GateCodes.PolicySignatureInvalid"/>, a compiler failure is <see cref="GateCodes.PolicyInvalid"/>,
    /// and a source that throws is <see cref="GateCodes.Fault"/>.
    /// </para>
    /// <para>
    /// Every decision, allow or block, carries <paramref name="pin"/> in <see cref="GateDecision.Pin"/>, and
    /// <see cref="Gate{TContext}.Pins"/> reports it. A load waits as long as the source takes: bound it with
    /// <see cref="Timeout{TContext}(Gate{TContext}, TimeSpan, TimeProvider?)"/>. After the first load an evaluation
    /// costs the compiled gate plus one virtual call, and allocates nothing more.
    /// </para>
    /// </remarks>
    public static Gate<TContext> Pinned<TContext>(
        string name,
        PolicyPin pin,
        IPolicySource source,
        Func<PolicyArtifact, Gate<TContext>> compile,
        PolicyVerification? verification = null)
    {
        ThrowIfDefault(pin);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(compile);
        return new PinnedGate<TContext>(name, pin, source, compile, verification ?? PolicyVerification.DigestOnly);
    }

    private static void ThrowIfDefault(PolicyPin pin)
    {
        if (pin.IsDefault)
        {
            throw new ArgumentException("default(PolicyPin) names no artifact; a pinned gate needs the exact name, version and digest.", nameof(pin));
        }
    }
}

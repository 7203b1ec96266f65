namespace FailClosed.Gates.Testing;

/// <summary>A policy source that is missing, flips bits, is slow or throws, reproducibly from a seed.</summary>
public sealed class ChaosPolicySource : IPolicySource
{
    private readonly IPolicySource _inner;
    private readonly TimeProvider _timeProvider;
    private readonly Random _random;
    private int _loads;

    /// <summary>Initializes a new instance of the <see cref="ChaosPolicySource"/> class.</summary>
    /// <param name="inner">The source whose answers are spoiled.</param>
    /// <param name="fault">How every load misbehaves.</param>
    /// <param name="seed">The seed of the flipped bits.</param>
    /// <param name="timeProvider">The clock a slow load waits on; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public ChaosPolicySource(IPolicySource inner, PolicySourceFault fault, int seed = 0, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        Fault = fault;
        _random = new Random(seed);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets or sets how every load misbehaves.</summary>
    public PolicySourceFault Fault { get; set; }

    /// <summary>Gets or sets how long a <see cref="PolicySourceFault.Slow"/> load takes.</summary>
    /// <value>One hour by default.</value>
    public TimeSpan SlowBy { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets the number of loads started.</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <inheritdoc />
    public async ValueTask<PolicyArtifact?> TryLoadAsync(PolicyPin pin, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loads);
        switch (Fault)
        {
            case PolicySourceFault.Missing:
                return null;
            case PolicySourceFault.Throw:
                throw new IOException(Faults.Message);
            case PolicySourceFault.Slow:
                await Task.Delay(SlowBy, _timeProvider, cancellationToken).ConfigureAwait(false);
                break;
        }

        PolicyArtifact? artifact = await _inner.TryLoadAsync(pin, cancellationToken).ConfigureAwait(false);
        if (Fault != PolicySourceFault.FlipBit || artifact is null || artifact.Content.IsEmpty)
        {
            return artifact;
        }

        byte[] content = artifact.Content.ToArray();
        int bit;
        lock (_random)
        {
            bit = _random.Next(content.Length * 8);
        }

        content[bit / 8] ^= (byte)(1 << (bit % 8));
        return new PolicyArtifact(artifact.Pin, content, artifact.Signature);
    }
}

namespace FailClosed.Gates.Testing;

/// <summary>
/// A policy source whose answer a test scripts per call: it counts loads, can hold a load until released, and can
/// throw. Holding honours the load's cancellation token, so an abandoned load is observable.
/// </summary>
public sealed class ScriptedPolicySource : IPolicySource
{
    private readonly IPolicySource _inner;
    private int _loads;
    private int _canceledLoads;

    /// <summary>Initializes a new instance of the <see cref="ScriptedPolicySource"/> class.</summary>
    /// <param name="inner">The source that answers once a load is released.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public ScriptedPolicySource(IPolicySource inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>Gets the number of loads started.</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <summary>Gets the number of held loads that ended because their token was canceled.</summary>
    public int CanceledLoads => Volatile.Read(ref _canceledLoads);

    /// <summary>Gets or sets a task every load waits for before answering; null answers at once.</summary>
    public Task? Hold { get; set; }

    /// <summary>Gets or sets an exception every load throws; null throws nothing.</summary>
    public Exception? Throw { get; set; }

    /// <inheritdoc />
    public async ValueTask<PolicyArtifact?> TryLoadAsync(PolicyPin pin, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loads);
        if (Hold is { } hold)
        {
            try
            {
                await hold.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _canceledLoads);
                throw;
            }
        }

        if (Throw is { } exception)
        {
            throw exception;
        }

        return await _inner.TryLoadAsync(pin, cancellationToken).ConfigureAwait(false);
    }
}

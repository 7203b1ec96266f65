namespace FailClosed.Gates.Testing;

/// <summary>
/// Runs <paramref name="sideEffect"/> through the executor under test, built on <paramref name="evidenceSink"/> and
/// <paramref name="timeProvider"/>; may return normally or throw (a block is either).
/// </summary>
/// <param name="evidenceSink">The (chaos) sink the executor must write its evidence to.</param>
/// <param name="timeProvider">The clock the executor must measure its timeouts on.</param>
/// <param name="sideEffect">The side effect to guard.</param>
/// <param name="cancellationToken">The caller's token.</param>
/// <returns>A task that completes when the executor returns.</returns>
public delegate ValueTask GuardedRun(
    IEvidenceSink evidenceSink,
    TimeProvider timeProvider,
    Func<CancellationToken, ValueTask> sideEffect,
    CancellationToken cancellationToken);

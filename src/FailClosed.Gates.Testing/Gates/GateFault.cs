namespace FailClosed.Gates.Testing;

/// <summary>How a <see cref="ScriptedGate{TContext}"/> or an injected dependency misbehaves.</summary>
public enum GateFault
{
    /// <summary>Answers normally (after its latency).</summary>
    None,

    /// <summary>Throws synchronously.</summary>
    Throw,

    /// <summary>Returns a faulted <see cref="ValueTask"/>.</summary>
    FaultedValueTask,

    /// <summary>Never answers until its token is canceled, then throws <see cref="OperationCanceledException"/>.</summary>
    Hang,

    /// <summary>Answers normally, but only after the caller has long given up (slower than any timeout).</summary>
    Slow,

    /// <summary>Answers <see cref="Verdict.Indeterminate"/> (only a gate can; a plain dependency faults instead).</summary>
    Indeterminate,

    /// <summary>Waits until its token is canceled, then answers normally anyway: a late answer after cancellation.</summary>
    LateAfterCancellation,
}

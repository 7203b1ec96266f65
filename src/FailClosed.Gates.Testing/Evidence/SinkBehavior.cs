namespace FailClosed.Gates.Testing;

/// <summary>How a <see cref="ScriptedEvidenceSink"/> answers one append.</summary>
public enum SinkBehavior
{
    /// <summary>Stores the record and acknowledges it synchronously.</summary>
    Ok,

    /// <summary>Stores the record and acknowledges it after yielding (a really asynchronous write).</summary>
    Yielding,

    /// <summary>Throws synchronously from <c>AppendAsync</c>; nothing is stored.</summary>
    Throw,

    /// <summary>Returns a faulted task; nothing is stored.</summary>
    Fault,

    /// <summary>Never completes until its token is canceled; nothing is stored.</summary>
    Hang,

    /// <summary>Never completes, whatever its token says; nothing is stored.</summary>
    HangIgnoringToken,

    /// <summary>Advances the fake clock by <see cref="ScriptedEvidenceSink.SlowBy"/> inside the call, then stores and acknowledges.</summary>
    Slow,

    /// <summary>Advances the fake clock by <see cref="ScriptedEvidenceSink.SlowBy"/> inside the call, then hangs until its token is canceled.</summary>
    SlowThenHang,

    /// <summary>Stores the record at once but acknowledges it only <see cref="ScriptedEvidenceSink.LateBy"/> later on the
    /// manual clock, whatever its token says.</summary>
    AcknowledgeLate,

    /// <summary>Stores a corrupted copy of the record (its code and detail changed) and acknowledges it.</summary>
    Corrupt,
}

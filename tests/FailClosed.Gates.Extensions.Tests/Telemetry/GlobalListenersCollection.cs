namespace FailClosed.Gates.Extensions.Tests.Telemetry;

/// <summary>
/// Tests that start process-wide listeners (an <see cref="System.Diagnostics.ActivityListener"/> on the
/// <c>FailClosed.Gates</c> source) or count allocations run alone: a listener started by one test makes every other
/// executor in the process create activities, which the allocation test would count as its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalListenersCollection
{
    public const string Name = "Global telemetry listeners";
}

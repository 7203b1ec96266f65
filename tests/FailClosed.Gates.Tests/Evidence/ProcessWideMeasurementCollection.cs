namespace FailClosed.Gates.Tests.Evidence;

/// <summary>Tests that read process-wide counters (allocated bytes on every thread) run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurementCollection
{
    public const string Name = "Process-wide measurements";
}

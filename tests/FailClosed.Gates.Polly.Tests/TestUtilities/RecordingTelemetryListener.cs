namespace FailClosed.Gates.Polly.Tests.TestUtilities;

/// <summary>A Polly telemetry listener that keeps every event it is given.</summary>
internal sealed class RecordingTelemetryListener : TelemetryListener
{
    private readonly List<RecordedEvent> _events = [];

    public IReadOnlyList<RecordedEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public IEnumerable<string> EventNames => Events.Select(static e => e.Name);

    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        lock (_events)
        {
            _events.Add(new RecordedEvent(args.Event.EventName, args.Event.Severity, args.Source.StrategyName, args.Arguments, args.Outcome?.Exception));
        }
    }
}

internal sealed record RecordedEvent(string Name, ResilienceEventSeverity Severity, string? StrategyName, object? Arguments, Exception? Exception);

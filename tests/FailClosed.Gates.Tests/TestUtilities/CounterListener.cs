using System.Diagnostics.Metrics;

namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>Listens to one counter of the <c>FailClosed.Gates</c> meter and sums it per action tag.</summary>
public sealed class CounterListener : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    public CounterListener(string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "FailClosed.Gates" && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string action = string.Empty;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "failclosed.gates.action")
                {
                    action = (string)tag.Value!;
                }
            }

            lock (_lock)
            {
                _totals[action] = _totals.GetValueOrDefault(action) + value;
            }
        });
        _listener.Start();
    }

    public long Total(string action)
    {
        lock (_lock)
        {
            return _totals.GetValueOrDefault(action);
        }
    }

    public void Dispose() => _listener.Dispose();
}

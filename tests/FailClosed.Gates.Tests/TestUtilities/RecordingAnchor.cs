namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>A checkpoint anchor that remembers what it was given, lets tests await it, and can fail.</summary>
public sealed class RecordingAnchor : ICheckpointAnchor
{
    private readonly object _gate = new();
    private readonly List<EvidenceCheckpoint> _published = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Signal)> _waiters = [];
    private int _attempts;

    /// <summary>Gets or sets how many publishes succeed before every later one throws.</summary>
    public int FailAfter { get; set; } = int.MaxValue;

    public EvidenceCheckpoint? Last
    {
        get
        {
            lock (_gate)
            {
                return _published.Count == 0 ? null : _published[^1];
            }
        }
    }

    public EvidenceCheckpoint[] All()
    {
        lock (_gate)
        {
            return [.. _published];
        }
    }

    public long[] Sizes()
    {
        lock (_gate)
        {
            return _published.Select(static c => c.TreeSize).ToArray();
        }
    }

    public ValueTask PublishAsync(EvidenceCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        bool fail;
        lock (_gate)
        {
            _attempts++;
            fail = _attempts > FailAfter;
            if (!fail)
            {
                _published.Add(checkpoint);
            }

            foreach ((Func<bool> condition, TaskCompletionSource signal) in _waiters)
            {
                if (condition())
                {
                    signal.TrySetResult();
                }
            }
        }

        return fail ? ValueTask.FromException(new InvalidOperationException("Injected anchor failure.")) : ValueTask.CompletedTask;
    }

    public Task WaitForSizeAsync(long size) => WaitAsync(() => _published.Exists(c => c.TreeSize >= size));

    public Task WaitForAttemptsAsync(int attempts) => WaitAsync(() => _attempts >= attempts);

    private Task WaitAsync(Func<bool> condition)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, signal));
        }

        return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

using System.Collections.Concurrent;

namespace FailClosed.Gates;

/// <summary>
/// Reuses a child's definite verdict for one key for a time-to-live. A stale entry is never served, and a
/// refresh that does not produce a definite verdict is a block, not the old answer.
/// </summary>
internal sealed class CachedGate<TContext, TKey> : Gate<TContext>
    where TKey : notnull
{
    private readonly Gate<TContext> _gate;
    private readonly TimeSpan _timeToLive;
    private readonly Func<TContext, TKey> _keySelector;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxEntries;
    private readonly ConcurrentDictionary<TKey, Entry> _entries;

    public CachedGate(string name, Gate<TContext> gate, TimeSpan timeToLive, Func<TContext, TKey> keySelector, TimeProvider timeProvider, int maxEntries)
        : base(name)
    {
        _gate = gate;
        _timeToLive = timeToLive;
        _keySelector = keySelector;
        _timeProvider = timeProvider;
        _maxEntries = maxEntries;
        _entries = new ConcurrentDictionary<TKey, Entry>();
    }

    internal int Count => _entries.Count;

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _gate.Pins;

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        TKey key = _keySelector(context);
        bool hadStale = false;
        if (_entries.TryGetValue(key, out Entry? entry))
        {
            if (IsFresh(entry))
            {
                return new ValueTask<GateDecision>(entry.Decision);
            }

            hadStale = true;
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
        }

        // The verdict is as old as the moment we asked for it, not the moment it arrived.
        long asked = _timeProvider.GetTimestamp();
        ValueTask<GateDecision> pending = _gate.EvaluateAsync(context, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<GateDecision>(Store(key, pending.Result, asked, hadStale))
            : StoreAsync(key, pending, asked, hadStale);
    }

    private bool IsFresh(Entry entry)
    {
        TimeSpan age = _timeProvider.GetElapsedTime(entry.Timestamp);

        // A negative age means the clock cannot be trusted: treat the entry as stale.
        return age >= TimeSpan.Zero && age < _timeToLive;
    }

    private async ValueTask<GateDecision> StoreAsync(TKey key, ValueTask<GateDecision> pending, long asked, bool hadStale) =>
        Store(key, await pending.ConfigureAwait(false), asked, hadStale);

    private GateDecision Store(TKey key, GateDecision decision, long asked, bool hadStale)
    {
        if (decision.Verdict is Verdict.Allow or Verdict.Deny)
        {
            if (_entries.Count >= _maxEntries)
            {
                RemoveStale();
            }

            // A full cache stops caching; it never evicts a fresh entry to make room.
            if (_entries.Count < _maxEntries || _entries.ContainsKey(key))
            {
                // A slow answer must not replace a newer one: an old allow arriving after access was revoked (and a
                // newer deny cached) would otherwise be served until its own time-to-live ran out.
                _entries.AddOrUpdate(
                    key,
                    static (_, fresh) => fresh,
                    static (_, existing, fresh) => existing.Timestamp > fresh.Timestamp ? existing : fresh,
                    new Entry(decision, asked));
            }

            return decision;
        }

        if (!hadStale)
        {
            return decision;
        }

        return GateDecision.Indeterminate(
            Name,
            GateCodes.CacheStale,
            $"The cached verdict expired and the refresh was not definite: {decision.Code} from '{decision.Gate}'.",
            decision.Exception);
    }

    private void RemoveStale()
    {
        foreach (KeyValuePair<TKey, Entry> pair in _entries)
        {
            if (!IsFresh(pair.Value))
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private sealed class Entry
    {
        public Entry(GateDecision decision, long timestamp)
        {
            Decision = decision;
            Timestamp = timestamp;
        }

        public GateDecision Decision { get; }

        public long Timestamp { get; }
    }
}

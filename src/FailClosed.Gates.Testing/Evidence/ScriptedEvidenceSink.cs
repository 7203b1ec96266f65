using System.Globalization;

namespace FailClosed.Gates.Testing;

/// <summary>
/// A chaos <see cref="IEvidenceSink"/> whose every append follows a script: succeed, throw, fault, hang (with or
/// without honoring its token), be slow or acknowledge late on a manual clock, corrupt what it stores, or any of these
/// for one kind of record only. Records what it was given, what it stored and what it acknowledged.
/// </summary>
/// <remarks>Start from a factory (<see cref="FailingEvery"/>, <see cref="FailingAfter"/>, <see cref="Chaos"/>...) or
/// set <see cref="Script"/>. Every script is deterministic, so a failing case replays exactly.</remarks>
public sealed class ScriptedEvidenceSink : IEvidenceSink
{
    /// <summary>The message of every exception the sink throws; it must never reach evidence.</summary>
    public const string SecretMessage = "disk full while writing account 4111-1111-1111-1111";

    private readonly object _lock = new();
    private readonly List<EvidenceRecord> _stored = [];
    private readonly List<EvidenceRecord> _attempts = [];
    private readonly List<CancellationToken> _tokens = [];
    private readonly List<EvidenceRecord> _acknowledged = [];
    private int _appends;
    private readonly ManualTimeProvider? _clock;

    /// <summary>Initializes a new instance of the <see cref="ScriptedEvidenceSink"/> class.</summary>
    /// <param name="clock">The clock a <see cref="SinkBehavior.Slow"/> or <see cref="SinkBehavior.AcknowledgeLate"/>
    /// append moves or waits on; null when the script uses neither.</param>
    public ScriptedEvidenceSink(ManualTimeProvider? clock = null)
    {
        _clock = clock;
    }

    /// <summary>Gets or sets the behavior for each record; <see cref="SinkBehavior.Ok"/> for all by default.</summary>
    public Func<EvidenceRecord, SinkBehavior> Script { get; set; } = static _ => SinkBehavior.Ok;

    /// <summary>Gets or sets how far a <see cref="SinkBehavior.Slow"/> append advances the fake clock.</summary>
    public TimeSpan SlowBy { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long an <see cref="SinkBehavior.AcknowledgeLate"/> append keeps its receipt.</summary>
    /// <value>One hour by default: later than any sensible write timeout.</value>
    public TimeSpan LateBy { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets the stored records whose receipt was handed back, in the order it was.</summary>
    public IReadOnlyList<EvidenceRecord> Acknowledged
    {
        get
        {
            lock (_lock)
            {
                return [.. _acknowledged];
            }
        }
    }

    /// <summary>Gets a sink whose every <paramref name="k"/>-th append (the k-th, 2k-th...) faults.</summary>
    /// <param name="k">The period of the failures; at least 1.</param>
    /// <returns>A new sink.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public static ScriptedEvidenceSink FailingEvery(int k)
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"A sink fails every k-th append for k >= 1, but k was {k}.");
        }

        var sink = new ScriptedEvidenceSink();
        sink.ScriptByIndex(index => (index + 1) % k == 0 ? SinkBehavior.Fault : SinkBehavior.Ok);
        return sink;
    }

    /// <summary>Gets a sink that acknowledges its first <paramref name="n"/> appends and faults every later one.</summary>
    /// <param name="n">How many appends succeed; at least 0.</param>
    /// <returns>A new sink.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public static ScriptedEvidenceSink FailingAfter(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var sink = new ScriptedEvidenceSink();
        sink.ScriptByIndex(index => index < n ? SinkBehavior.Ok : SinkBehavior.Fault);
        return sink;
    }

    /// <summary>Gets a sink whose every append hangs until its token is canceled.</summary>
    /// <returns>A new sink.</returns>
    public static ScriptedEvidenceSink Hanging() => new ScriptedEvidenceSink().Always(SinkBehavior.Hang);

    /// <summary>Gets a sink that stores every record at once but acknowledges it <paramref name="lateBy"/> later on <paramref name="clock"/>.</summary>
    /// <param name="clock">The manual clock the receipts wait on.</param>
    /// <param name="lateBy">How late each receipt arrives; positive.</param>
    /// <returns>A new sink.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lateBy"/> is not positive.</exception>
    public static ScriptedEvidenceSink AcknowledgingLate(ManualTimeProvider clock, TimeSpan lateBy)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (lateBy <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lateBy), lateBy, $"A late receipt arrives after a positive delay, but the delay was {lateBy}.");
        }

        return new ScriptedEvidenceSink(clock) { LateBy = lateBy }.Always(SinkBehavior.AcknowledgeLate);
    }

    /// <summary>Gets a sink that corrupts every record it stores (and acknowledges it as if nothing happened).</summary>
    /// <returns>A new sink.</returns>
    public static ScriptedEvidenceSink Corrupting() => new ScriptedEvidenceSink().Always(SinkBehavior.Corrupt);

    /// <summary>Gets a sink whose appends misbehave at random, reproducibly from <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed of the behaviors; the same seed gives the same behavior to the same append.</param>
    /// <param name="clock">The manual clock slow and late appends use.</param>
    /// <returns>A new sink.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is null.</exception>
    public static ScriptedEvidenceSink Chaos(int seed, ManualTimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        SinkBehavior[] behaviors = Enum.GetValues<SinkBehavior>();
        var random = new Random(seed);
        var drawn = new List<SinkBehavior>();
        var sink = new ScriptedEvidenceSink(clock);
        sink.ScriptByIndex(index =>
        {
            lock (drawn)
            {
                while (drawn.Count <= index)
                {
                    drawn.Add(behaviors[random.Next(behaviors.Length)]);
                }

                return drawn[index];
            }
        });
        return sink;
    }

    /// <summary>Gets a semaphore released each time an append starts hanging, so a test knows when to advance time.</summary>
    public SemaphoreSlim Hangs { get; } = new(0);

    /// <summary>Gets the stored (acknowledged or late) records, in order, with sequences assigned.</summary>
    public IReadOnlyList<EvidenceRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return [.. _stored];
            }
        }
    }

    /// <summary>Gets every record the sink was asked to append, in order.</summary>
    public IReadOnlyList<EvidenceRecord> Attempts
    {
        get
        {
            lock (_lock)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>Gets the token of every append, in order.</summary>
    public IReadOnlyList<CancellationToken> Tokens
    {
        get
        {
            lock (_lock)
            {
                return [.. _tokens];
            }
        }
    }

    /// <summary>Sets every append to <paramref name="behavior"/>.</summary>
    /// <param name="behavior">How every append answers.</param>
    /// <returns>This sink.</returns>
    public ScriptedEvidenceSink Always(SinkBehavior behavior)
    {
        Script = _ => behavior;
        return this;
    }

    /// <summary>Sets appends of <paramref name="kind"/> to <paramref name="behavior"/> and every other append to Ok.</summary>
    /// <param name="kind">The kind of record that misbehaves.</param>
    /// <param name="behavior">How its appends answer.</param>
    /// <returns>This sink.</returns>
    public ScriptedEvidenceSink For(EvidenceKind kind, SinkBehavior behavior)
    {
        Script = record => record.Kind == kind ? behavior : SinkBehavior.Ok;
        return this;
    }

    /// <inheritdoc />
    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        SinkBehavior behavior = Script(record);
        Interlocked.Increment(ref _appends);
        lock (_lock)
        {
            _attempts.Add(record);
            _tokens.Add(cancellationToken);
        }

        switch (behavior)
        {
            case SinkBehavior.Ok:
                return new ValueTask<EvidenceReceipt>(Store(record));
            case SinkBehavior.Yielding:
                return YieldThenStoreAsync(record);
            case SinkBehavior.Throw:
                throw new IOException(SecretMessage);
            case SinkBehavior.Fault:
                return ValueTask.FromException<EvidenceReceipt>(new IOException(SecretMessage));
            case SinkBehavior.Hang:
                return HangAsync(cancellationToken);
            case SinkBehavior.HangIgnoringToken:
                return HangAsync(CancellationToken.None);
            case SinkBehavior.Slow:
                (_clock ?? throw new InvalidOperationException("A slow sink needs a fake clock.")).Advance(SlowBy);
                return new ValueTask<EvidenceReceipt>(Store(record));
            case SinkBehavior.AcknowledgeLate:
                return AcknowledgeLateAsync(record);
            case SinkBehavior.Corrupt:
                return new ValueTask<EvidenceReceipt>(Store(record with { Code = record.Code + "~", Detail = "corrupted:" + record.Detail }));
            case SinkBehavior.SlowThenHang:
                (_clock ?? throw new InvalidOperationException("A slow sink needs a fake clock.")).Advance(SlowBy);
                return HangAsync(cancellationToken);
            default:
                throw new InvalidOperationException("Unknown behavior " + behavior.ToString() + ".");
        }
    }

    /// <summary>Scripts the behavior by the append's zero-based index.</summary>
    private void ScriptByIndex(Func<int, SinkBehavior> byIndex) =>
        Script = _ => byIndex(Volatile.Read(ref _appends));

    private ValueTask<EvidenceReceipt> AcknowledgeLateAsync(EvidenceRecord record)
    {
        ManualTimeProvider clock = _clock ?? throw new InvalidOperationException("A sink that acknowledges late needs a manual clock.");
        EvidenceReceipt receipt = Store(record, acknowledge: false);
        EvidenceRecord stored = Records[(int)receipt.Sequence];
        var late = new TaskCompletionSource<EvidenceReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
        ITimer? timer = null;
        timer = clock.CreateTimer(
            _ =>
            {
                lock (_lock)
                {
                    _acknowledged.Add(stored);
                }

                late.TrySetResult(receipt);
                timer?.Dispose();
            },
            null,
            LateBy,
            Timeout.InfiniteTimeSpan);
        Hangs.Release();
        return new ValueTask<EvidenceReceipt>(late.Task);
    }

    private async ValueTask<EvidenceReceipt> YieldThenStoreAsync(EvidenceRecord record)
    {
        await Task.Yield();
        return Store(record);
    }

    private ValueTask<EvidenceReceipt> HangAsync(CancellationToken cancellationToken)
    {
        var hang = new TaskCompletionSource<EvidenceReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(static state => ((TaskCompletionSource<EvidenceReceipt>)state!).TrySetCanceled(), hang);
        }

        Hangs.Release();
        return new ValueTask<EvidenceReceipt>(hang.Task);
    }

    private EvidenceReceipt Store(EvidenceRecord record, bool acknowledge = true)
    {
        lock (_lock)
        {
            long sequence = _stored.Count;
            string hash = sequence.ToString("x64", CultureInfo.InvariantCulture);
            EvidenceRecord stored = record with { Sequence = sequence, Hash = hash };
            _stored.Add(stored);
            if (acknowledge)
            {
                _acknowledged.Add(stored);
            }

            return new EvidenceReceipt(sequence, hash, sequence + 1);
        }
    }
}

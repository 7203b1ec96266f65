using System.Globalization;

namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>
/// An <see cref="IEvidenceSink"/> double whose every append follows a script: succeed, throw, fault, hang (with or
/// without honoring its token), be slow on a fake clock, or any of these for one kind of record only. Records what
/// it was given and what it stored.
/// </summary>
public sealed class ScriptedEvidenceSink : IEvidenceSink
{
    /// <summary>The message of every exception the sink throws; it must never reach evidence.</summary>
    public const string SecretMessage = "disk full while writing account 4111-1111-1111-1111";

    private readonly object _lock = new();
    private readonly List<EvidenceRecord> _stored = [];
    private readonly List<EvidenceRecord> _attempts = [];
    private readonly List<CancellationToken> _tokens = [];
    private readonly FakeTimeProvider? _clock;

    public ScriptedEvidenceSink(FakeTimeProvider? clock = null)
    {
        _clock = clock;
    }

    /// <summary>Gets or sets the behavior for each record; <see cref="SinkBehavior.Ok"/> for all by default.</summary>
    public Func<EvidenceRecord, SinkBehavior> Script { get; set; } = static _ => SinkBehavior.Ok;

    /// <summary>Gets or sets how far a <see cref="SinkBehavior.Slow"/> append advances the fake clock.</summary>
    public TimeSpan SlowBy { get; set; } = TimeSpan.FromSeconds(1);

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
    public ScriptedEvidenceSink Always(SinkBehavior behavior)
    {
        Script = _ => behavior;
        return this;
    }

    /// <summary>Sets appends of <paramref name="kind"/> to <paramref name="behavior"/> and every other append to Ok.</summary>
    public ScriptedEvidenceSink For(EvidenceKind kind, SinkBehavior behavior)
    {
        Script = record => record.Kind == kind ? behavior : SinkBehavior.Ok;
        return this;
    }

    public ValueTask<EvidenceReceipt> AppendAsync(EvidenceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        SinkBehavior behavior = Script(record);
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
            case SinkBehavior.SlowThenHang:
                (_clock ?? throw new InvalidOperationException("A slow sink needs a fake clock.")).Advance(SlowBy);
                return HangAsync(cancellationToken);
            default:
                throw new InvalidOperationException("Unknown behavior " + behavior.ToString() + ".");
        }
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

    private EvidenceReceipt Store(EvidenceRecord record)
    {
        lock (_lock)
        {
            long sequence = _stored.Count;
            string hash = sequence.ToString("x64", CultureInfo.InvariantCulture);
            _stored.Add(record with { Sequence = sequence, Hash = hash });
            return new EvidenceReceipt(sequence, hash, sequence + 1);
        }
    }
}

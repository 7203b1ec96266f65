using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Gates.Laws;

/// <summary>
/// Builds real gates from a <see cref="GateTree"/> and drives one evaluation deterministically: asynchronous leaves
/// answer only when the driver says so, time moves only on the fake clock, and the caller cancels only when nothing
/// else can make progress.
/// </summary>
public sealed class TreeHarness
{
    private readonly Queue<TaskCompletionSource<bool>> _answers = new();
    private readonly List<string> _invoked = [];
    private readonly object _lock = new();
    private int _hanging;

    public FakeTimeProvider Time { get; } = new();

    public IReadOnlyList<string> Invoked
    {
        get
        {
            lock (_lock)
            {
                return _invoked.ToArray();
            }
        }
    }

    public Gate<int> Build(GateTree tree) => tree switch
    {
        LeafTree leaf => Leaf(leaf),
        AllTree all => Gate.All(all.Name, all.Children.Select(Build).ToArray()),
        AnyTree any => Gate.Any(any.Name, any.Children.Select(Build).ToArray()),
        NotTree not => Gate.Not(not.Name, Build(not.Child)),
        TimeoutTree timeout => Gate.Timeout(timeout.Name, Build(timeout.Child), timeout.Duration, Time),
        _ => throw new InvalidOperationException($"Unknown node {tree}."),
    };

    /// <summary>Evaluates <paramref name="gate"/> to completion, free of any synchronization context.</summary>
    public GateDecision Run(Gate<int> gate)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            using var caller = new CancellationTokenSource();
            Task<GateDecision> evaluation = gate.EvaluateAsync(0, caller.Token).AsTask();
            var spin = default(SpinWait);
            for (int step = 0; !evaluation.IsCompleted; step++)
            {
                if (step > 1_000_000)
                {
                    throw new InvalidOperationException("The evaluation made no progress.");
                }

                if (TryAnswerNext())
                {
                    continue;
                }

                if (Volatile.Read(ref _hanging) > 0)
                {
                    // A hanging leaf is pending: time passes until a deadline fires, or the caller gives up.
                    if (!Time.TryAdvanceToNextTimer())
                    {
                        caller.Cancel();
                    }

                    continue;
                }

                // Nothing is pending here, so a continuation is still running elsewhere: let it finish.
                spin.SpinOnce();
            }

            return evaluation.Result;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private bool TryAnswerNext()
    {
        TaskCompletionSource<bool>? next;
        lock (_lock)
        {
            if (!_answers.TryDequeue(out next))
            {
                return false;
            }
        }

        next.SetResult(true);
        return true;
    }

    private Task WaitForAnswer()
    {
        // Continuations run inline on the driver's thread when it answers, keeping the run deterministic.
        var answer = new TaskCompletionSource<bool>();
        lock (_lock)
        {
            _answers.Enqueue(answer);
        }

        return answer.Task;
    }

    private void Record(string name)
    {
        lock (_lock)
        {
            _invoked.Add(name);
        }
    }

    private Gate<int> Leaf(LeafTree leaf)
    {
        string name = leaf.Name;
        return leaf.Kind switch
        {
            // Synchronous predicates: composites evaluate these inline, so the laws cover that path too.
            LeafKind.Allow => Gate.Require<int>(name, _ => { Record(name); return true; }),
            LeafKind.Deny => Gate.Require<int>(name, _ => { Record(name); return false; }),
            LeafKind.ThrowSync => Gate.Require<int>(name, _ => { Record(name); throw new InvalidOperationException(name); }),
            LeafKind.Indeterminate => Gate.From<int>(name, _ => { Record(name); return GateDecision.Indeterminate(name, GateCodes.ResultIncomplete); }),
            LeafKind.ThrowSyncDecision => Gate.From<int>(name, _ => { Record(name); throw new InvalidOperationException(name); }),
            LeafKind.FaultedValueTask => Gate.From<int>(name, (_, _) =>
            {
                Record(name);
                return ValueTask.FromException<GateDecision>(new InvalidOperationException(name));
            }),
            LeafKind.ThrowAsync => Gate.From<int>(name, async (_, _) =>
            {
                Record(name);
                await WaitForAnswer().ConfigureAwait(false);
                throw new InvalidOperationException(name);
            }),
            LeafKind.AllowAsync => Gate.From<int>(name, async (_, _) =>
            {
                Record(name);
                await WaitForAnswer().ConfigureAwait(false);
                return GateDecision.Allow(name);
            }),
            LeafKind.DenyAsync => Gate.From<int>(name, async (_, _) =>
            {
                Record(name);
                await WaitForAnswer().ConfigureAwait(false);
                return GateDecision.Deny(name);
            }),
            LeafKind.Hang => Gate.From<int>(name, async (_, cancellationToken) =>
            {
                Record(name);
                var never = new TaskCompletionSource();
                using CancellationTokenRegistration registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
                Interlocked.Increment(ref _hanging);
                try
                {
                    await never.Task.ConfigureAwait(false);
                    return GateDecision.Allow(name);
                }
                finally
                {
                    Interlocked.Decrement(ref _hanging);
                }
            }),
            _ => throw new InvalidOperationException($"Unknown leaf kind {leaf.Kind}."),
        };
    }
}

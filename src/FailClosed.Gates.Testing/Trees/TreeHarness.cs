namespace FailClosed.Gates.Testing;

/// <summary>
/// Builds real gates from a <see cref="GateTree"/> and drives one evaluation deterministically: asynchronous leaves
/// answer only when the driver says so, time moves only on the manual clock, and the caller cancels only when nothing
/// else can make progress.
/// </summary>
/// <typeparam name="TContext">The type of the value judged.</typeparam>
internal class TreeHarness<TContext>
{
    private readonly Queue<TaskCompletionSource<bool>> _answers = new();
    private readonly List<string> _invoked = [];
    private readonly object _lock = new();
    private readonly TContext _context;
    private readonly IReadOnlyList<Gate<TContext>> _teamLeaves;
    private readonly GateCombinators<TContext> _combinators;
    private int _hanging;

    public TreeHarness(TContext context, IReadOnlyList<Gate<TContext>> teamLeaves, GateCombinators<TContext> combinators)
    {
        _context = context;
        _teamLeaves = teamLeaves;
        _combinators = combinators;
    }

    public ManualTimeProvider Time { get; } = new();

    /// <summary>Gets a value indicating whether synchronous predicate leaves are built with
    /// <see cref="Gate.RequireExpression{TContext}"/>, so composites fuse runs of them, instead of with delegates.</summary>
    public bool ExpressionLeaves { get; init; }

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

    public Gate<TContext> Build(GateTree tree) => tree switch
    {
        LeafTree leaf => Leaf(leaf),
        TeamLeafTree team => Team(team),
        AllTree all => _combinators.All(all.Name, all.Children.Select(Build).ToArray()),
        AnyTree any => _combinators.Any(any.Name, any.Children.Select(Build).ToArray()),
        NotTree not => _combinators.Not(not.Name, Build(not.Child)),
        TimeoutTree timeout => _combinators.Timeout(timeout.Name, Build(timeout.Child), timeout.Duration, Time),
        _ => throw new InvalidOperationException($"Unknown node {tree}."),
    };

    /// <summary>Evaluates <paramref name="gate"/> to completion, free of any synchronization context.</summary>
    public GateDecision Run(Gate<TContext> gate)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            using var caller = new CancellationTokenSource();
            Task<GateDecision> evaluation = gate.EvaluateAsync(_context, caller.Token).AsTask();
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

    private Gate<TContext> Team(TeamLeafTree leaf)
    {
        Gate<TContext> inner = _teamLeaves[leaf.Index];
        string name = leaf.Name;
        return Gate.From<TContext>(name, (context, cancellationToken) =>
        {
            Record(name);
            return inner.EvaluateAsync(context, cancellationToken);
        });
    }

    private Gate<TContext> Leaf(LeafTree leaf)
    {
        string name = leaf.Name;
        if (ExpressionLeaves && ExpressionLeaf(leaf) is { } fusible)
        {
            return fusible;
        }

        return leaf.Kind switch
        {
            // Synchronous predicates: composites evaluate these inline, so the laws cover that path too.
            LeafKind.Allow => Gate.Require<TContext>(name, _ => { Record(name); return true; }),
            LeafKind.Deny => Gate.Require<TContext>(name, _ => { Record(name); return false; }),
            LeafKind.ThrowSync => Gate.Require<TContext>(name, _ => { Record(name); throw new InvalidOperationException(name); }),
            LeafKind.Indeterminate => Gate.From<TContext>(name, _ => { Record(name); return GateDecision.Indeterminate(name, GateCodes.ResultIncomplete); }),
            LeafKind.ThrowSyncDecision => Gate.From<TContext>(name, _ => { Record(name); throw new InvalidOperationException(name); }),
            LeafKind.FaultedValueTask => Gate.From<TContext>(name, (_, _) =>
            {
                Record(name);
                return ValueTask.FromException<GateDecision>(new InvalidOperationException(name));
            }),
            LeafKind.ThrowAsync => Gate.From<TContext>(name, async (_, _) =>
            {
                Record(name);
                await WaitForAnswer().ConfigureAwait(false);
                throw new InvalidOperationException(name);
            }),
            LeafKind.AllowAsync => Gate.From<TContext>(name, async (_, _) =>
            {
                Record(name);
                await WaitForAnswer().ConfigureAwait(false);
                return GateDecision.Allow(name);
            }),
            LeafKind.DenyAsync => Gate.From<TContext>(name, async (_, _) =>
            {
                Record(name);
                await WaitForAnswer().ConfigureAwait(false);
                return GateDecision.Deny(name);
            }),
            LeafKind.Hang => Gate.From<TContext>(name, async (_, cancellationToken) =>
            {
                Record(name);
                await WaitUntilCanceled(cancellationToken).ConfigureAwait(false);
                throw new OperationCanceledException(cancellationToken);
            }),
            LeafKind.LateAfterCancellation => Gate.From<TContext>(name, async (_, cancellationToken) =>
            {
                Record(name);
                await WaitUntilCanceled(cancellationToken).ConfigureAwait(false);
                return GateDecision.Allow(name); // the late answer a fail-closed parent must not use
            }),
            LeafKind.Slow => Gate.From<TContext>(name, async (_, cancellationToken) =>
            {
                Record(name);
                Interlocked.Increment(ref _hanging);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(leaf.DelayMs), Time, cancellationToken).ConfigureAwait(false);
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

    private async Task WaitUntilCanceled(CancellationToken cancellationToken)
    {
        var canceled = new TaskCompletionSource();
        using CancellationTokenRegistration registration = cancellationToken.Register(() => canceled.TrySetResult());
        Interlocked.Increment(ref _hanging);
        try
        {
            await canceled.Task.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _hanging);
        }
    }

    private Gate<TContext>? ExpressionLeaf(LeafTree leaf)
    {
        string name = leaf.Name;
        return leaf.Kind switch
        {
            LeafKind.Allow => Gate.RequireExpression<TContext>(name, _ => RecordAndAnswer(name, true)),
            LeafKind.Deny => Gate.RequireExpression<TContext>(name, _ => RecordAndAnswer(name, false)),
            LeafKind.ThrowSync => Gate.RequireExpression<TContext>(name, _ => RecordAndThrow(name)),
            _ => null,
        };
    }

    private bool RecordAndAnswer(string name, bool answer)
    {
        Record(name);
        return answer;
    }

    private bool RecordAndThrow(string name)
    {
        Record(name);
        throw new InvalidOperationException(name);
    }
}

/// <summary>A <see cref="TreeHarness{TContext}"/> over <see cref="int"/> contexts with the library's combinators, for our own law tests.</summary>
internal sealed class TreeHarness : TreeHarness<int>
{
    public TreeHarness()
        : base(0, [], GateCombinators<int>.Library)
    {
    }
}

namespace FailClosed.Gates;

/// <summary>A side effect with everything it is called with, so the executor's stages pass one value, not four.</summary>
internal readonly struct SideEffectCall<TContext, TState, TResult>
{
    private readonly GuardedAction<TContext> _action;
    private readonly TContext _context;
    private readonly TState _state;
    private readonly Func<TContext, TState, CancellationToken, ValueTask<TResult>> _sideEffect;

    public SideEffectCall(GuardedAction<TContext> action, TContext context, TState state, Func<TContext, TState, CancellationToken, ValueTask<TResult>> sideEffect, CancellationToken cancellationToken)
    {
        _action = action;
        _context = context;
        _state = state;
        _sideEffect = sideEffect;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the caller's token; the side effect receives it.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the guarded action.</summary>
    public GuardedAction<TContext> Action => _action;

    /// <summary>Gets the context the side effect acts on.</summary>
    public TContext Context => _context;

    public ValueTask<TResult> Invoke() => _sideEffect(_context, _state, CancellationToken);
}

using System.Runtime.CompilerServices;

namespace FailClosed.Gates;

/// <summary>
/// A precondition over a <typeparamref name="TContext"/> that answers Allow, Deny or Indeterminate and never throws.
/// </summary>
/// <typeparam name="TContext">The type of the value the gate judges.</typeparam>
/// <remarks>
/// <para>
/// This type is open so library authors can write their own gates: override <see cref="EvaluateCoreAsync"/>.
/// <see cref="EvaluateAsync"/> is not virtual; it is the guarantee that a custom gate is fail-closed without
/// trying. An exception thrown by <see cref="EvaluateCoreAsync"/>, synchronously or from its pending
/// <see cref="ValueTask{TResult}"/>, becomes <see cref="Verdict.Indeterminate"/> with code
/// <see cref="GateCodes.Fault"/> naming this gate; an <see cref="OperationCanceledException"/>, or an allow or
/// indeterminate answer that arrives once the token is canceled, becomes <see cref="GateCodes.Canceled"/> naming
/// this gate (a definite deny stays a deny); a <c>default</c>
/// decision is attributed to this gate and keeps its <see cref="GateCodes.Unset"/> code.
/// </para>
/// <para>
/// Gates are built once and evaluated many times, concurrently: implementations must be thread-safe.
/// </para>
/// </remarks>
public abstract partial class Gate<TContext>
{
    /// <summary>Initializes a new instance of the <see cref="Gate{TContext}"/> class.</summary>
    /// <param name="name">The name that decisions and evidence records use to say which gate decided. The rule for every
    /// name that goes into evidence (gate names, the gate of a <see cref="GateDecision"/>, action names): not empty, at
    /// most 256 characters, no control character (U+0000–U+001F, U+007F–U+009F), no lone surrogate, and no leading or
    /// trailing white space.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule; the message quotes it.</exception>
    protected Gate(string name)
    {
        EvidenceName.ThrowIfInvalid(name, "gate name");
        Name = name;
    }

    /// <summary>Gets the name of the gate.</summary>
    public string Name { get; }

    /// <summary>
    /// Gets the pins of every policy artifact this gate's decisions depend on, so evidence can name the exact
    /// policies that judged an action. Composites report the distinct pins of their children, in order.
    /// </summary>
    /// <value>Empty for a gate that uses no pinned policy. Fixed at construction; never changes per evaluation.</value>
    public virtual IReadOnlyList<PolicyPin> Pins => [];

    /// <summary>
    /// Evaluates the gate. Never throws: every failure is a blocking decision.
    /// </summary>
    /// <param name="context">The value to judge.</param>
    /// <param name="cancellationToken">Cancels the evaluation; a canceled evaluation is
    /// <see cref="Verdict.Indeterminate"/> with code <see cref="GateCodes.Canceled"/>, returned promptly even when
    /// the gate ignores the token.</param>
    /// <returns>The decision. Completes synchronously when the gate does. Await it once, as any <see cref="ValueTask{TResult}"/>:
    /// a pending evaluation's result is read from a pooled object.</returns>
    public ValueTask<GateDecision> EvaluateAsync(TContext context, CancellationToken cancellationToken = default)
    {
        // The hot path (a synchronous, set answer, no cancellation) stays small; every other case is its own method,
        // so its locals do not widen this frame.
        if (cancellationToken.IsCancellationRequested)
        {
            return CanceledBeforeStart();
        }

        ValueTask<GateDecision> pending;
        try
        {
            pending = EvaluateCoreAsync(context, cancellationToken);
        }
        catch (Exception exception)
        {
            return Threw(exception, cancellationToken);
        }

        if (pending.IsCompletedSuccessfully)
        {
            GateDecision decision = pending.Result;
            if (decision.IsSet && !cancellationToken.IsCancellationRequested)
            {
                return new ValueTask<GateDecision>(decision);
            }

            return Completed(decision, cancellationToken);
        }

        return NotCompletedSuccessfully(pending, cancellationToken);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<GateDecision> CanceledBeforeStart() => new(Canceled(exception: null));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<GateDecision> Threw(Exception exception, CancellationToken cancellationToken) =>
        new(FromException(exception, cancellationToken));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<GateDecision> Completed(GateDecision decision, CancellationToken cancellationToken) =>
        new(Complete(decision, cancellationToken));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<GateDecision> NotCompletedSuccessfully(ValueTask<GateDecision> pending, CancellationToken cancellationToken)
    {
        if (pending.IsCompleted)
        {
            // Faulted or canceled already: answer synchronously, as the gate did.
            try
            {
                return new ValueTask<GateDecision>(Complete(pending.GetAwaiter().GetResult(), cancellationToken));
            }
            catch (Exception exception)
            {
                return new ValueTask<GateDecision>(FromException(exception, cancellationToken));
            }
        }

        return PendingEvaluation.Start(this, pending, cancellationToken);
    }

    /// <summary>
    /// Decides. Implementations may throw, fault or ignore cancellation: <see cref="EvaluateAsync"/> turns each into a block.
    /// </summary>
    /// <param name="context">The value to judge.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The decision; complete it synchronously when no real asynchronous work is needed.</returns>
    protected abstract ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken);

    /// <summary>Returns the gate's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    /// <summary>
    /// Runs <see cref="EvaluateCoreAsync"/> directly, for an internal wrapper that supplies the guarantees of
    /// <see cref="EvaluateAsync"/> itself (with <see cref="GuardFault"/> and <see cref="GuardResult"/>) to save a layer on the hot path.
    /// </summary>
    internal ValueTask<GateDecision> EvaluateCoreUnguarded(TContext context, CancellationToken cancellationToken) =>
        EvaluateCoreAsync(context, cancellationToken);

    /// <summary>Turns an exception from <see cref="EvaluateCoreUnguarded"/> into the block <see cref="EvaluateAsync"/> would return.</summary>
    internal GateDecision GuardFault(Exception exception) => FromException(exception, CancellationToken.None);

    /// <summary>Attributes a decision from <see cref="EvaluateCoreUnguarded"/> as <see cref="EvaluateAsync"/> would.</summary>
    internal GateDecision GuardResult(GateDecision decision) => decision.IsSet ? decision : decision.WithGate(Name);

    /// <summary>Adds to a block this base class makes on the gate's behalf (a pinned gate adds its pin). Returns it unchanged by default.</summary>
    /// <param name="decision">The fault or cancellation block made by <see cref="EvaluateAsync"/>.</param>
    /// <returns>The decision to return; it must still block.</returns>
    private protected virtual GateDecision AnnotateBlock(GateDecision decision) => decision;

    private GateDecision Complete(GateDecision decision, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested && decision.Verdict != Verdict.Deny)
        {
            // An answer that arrives after cancellation is not trusted: it could be an allow the caller no longer
            // waits for, or a partial result of work the cancellation cut short. A definite deny is kept: it can
            // only block, and turning it into an Indeterminate would make it eligible for a fail-open exemption.
            return Canceled(exception: null);
        }

        return GuardResult(decision);
    }

    private GateDecision FromException(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException || cancellationToken.IsCancellationRequested
            ? Canceled(exception)
            : AnnotateBlock(GateDecision.Indeterminate(Name, GateCodes.Fault, $"Gate '{Name}' threw {exception.GetType().FullName}.", exception));

    private GateDecision Canceled(Exception? exception) =>
        AnnotateBlock(GateDecision.Indeterminate(Name, GateCodes.Canceled, "The evaluation was canceled before the gate answered.", exception));
}

using System.Security.Cryptography;

namespace FailClosed.Gates;

/// <summary>
/// Judges by the gate compiled from exactly one pinned policy artifact, loading, verifying and compiling it once.
/// </summary>
/// <remarks>
/// <para>
/// Until a load succeeds, evaluations share one load attempt: the first starts it, later ones wait for it, and
/// the attempt runs under its own token, so one caller giving up does not fail the others. When every waiter has
/// given up, the attempt is canceled and forgotten. A failed attempt is forgotten too: the next evaluation tries
/// again. Only a compiled gate is kept, and once kept it never changes.
/// </para>
/// <para>
/// Every decision carries the pin. Decisions without an exception share one <see cref="DecisionDetail"/>, so after
/// the first load an evaluation allocates nothing beyond what the compiled gate allocates.
/// </para>
/// </remarks>
internal sealed class PinnedGate<TContext> : Gate<TContext>
{
    private readonly PolicyPin _pin;
    private readonly PolicyPin[] _pins;
    private readonly IPolicySource _source;
    private readonly Func<PolicyArtifact, Gate<TContext>> _compile;
    private readonly PolicyTrustStore? _trustStore;
    private readonly DecisionDetail _detail;
    private readonly GateDecision _canceled;
    private readonly GateDecision _missing;
    private readonly object _sync = new();
    private Gate<TContext>? _compiled;
    private LoadAttempt? _attempt;

    public PinnedGate(string name, PolicyPin pin, IPolicySource source, Func<PolicyArtifact, Gate<TContext>> compile, PolicyVerification verification)
        : base(name)
    {
        _pin = pin;
        _pins = [pin];
        _source = source;
        _compile = compile;
        _trustStore = verification.TrustStore;
        _detail = new DecisionDetail(exception: null, pin);
        _canceled = GateDecision.Indeterminate(name, GateCodes.Canceled, "The evaluation was canceled before the pinned policy was loaded.").WithDetail(_detail);
        _missing = GateDecision.Indeterminate(
            name,
            GateCodes.PolicyMissing,
            $"No artifact is stored for '{pin.ToLocator()}'; a pinned gate never falls back to another version or a default policy.")
            .WithDetail(_detail);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PolicyPin> Pins => _pins;

    protected override ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
    {
        Gate<TContext>? compiled = Volatile.Read(ref _compiled);
        if (compiled is null)
        {
            return LoadAndEvaluateAsync(context, cancellationToken);
        }

        // One layer, not two: the compiled gate's core runs directly, guarded here exactly as its EvaluateAsync would
        // guard it; cancellation and pending work are handled by this gate's own EvaluateAsync.
        ValueTask<GateDecision> pending;
        try
        {
            pending = compiled.EvaluateCoreUnguarded(context, cancellationToken);
        }
        catch (Exception exception)
        {
            return new ValueTask<GateDecision>(Stamp(compiled.GuardFault(exception)));
        }

        return pending.IsCompletedSuccessfully
            ? new ValueTask<GateDecision>(pending.Result.WithPinDetail(_detail, compiled.Name))
            : StampAsync(compiled, pending);
    }

    /// <summary>The base class's own fault and cancellation blocks carry the pin too.</summary>
    private protected override GateDecision AnnotateBlock(GateDecision decision) => Stamp(decision);

    private async ValueTask<GateDecision> StampAsync(Gate<TContext> compiled, ValueTask<GateDecision> pending)
    {
        GateDecision decision;
        try
        {
            decision = compiled.GuardResult(await pending.ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            decision = compiled.GuardFault(exception);
        }

        return Stamp(decision);
    }

    /// <summary>Attaches the pin, reusing the shared detail unless the decision carries an exception.</summary>
    private GateDecision Stamp(GateDecision decision) => decision.WithPinDetail(_detail, Name);

    private async ValueTask<GateDecision> LoadAndEvaluateAsync(TContext context, CancellationToken cancellationToken)
    {
        LoadAttempt attempt = Join(out bool started);
        if (started)
        {
            _ = RunAsync(attempt);
        }

        LoadOutcome outcome;
        try
        {
            outcome = await attempt.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Leave(attempt);
            return _canceled;
        }

        if (outcome.Gate is null)
        {
            return outcome.Decision;
        }

        return Stamp(await outcome.Gate.EvaluateAsync(context, cancellationToken).ConfigureAwait(false));
    }

    private LoadAttempt Join(out bool started)
    {
        lock (_sync)
        {
            LoadAttempt? attempt = _attempt;
            started = attempt is null;
            if (attempt is null)
            {
                attempt = new LoadAttempt();
                _attempt = attempt;
            }

            attempt.Waiters++;
            return attempt;
        }
    }

    private void Leave(LoadAttempt attempt)
    {
        lock (_sync)
        {
            attempt.Waiters--;
            if (attempt.Waiters > 0 || attempt.Completion.Task.IsCompleted)
            {
                return;
            }

            // Nobody is waiting any more: forget the attempt so the next evaluation starts afresh.
            if (ReferenceEquals(_attempt, attempt))
            {
                _attempt = null;
            }
        }

        attempt.Cancellation.Cancel();
    }

    private async Task RunAsync(LoadAttempt attempt)
    {
        LoadOutcome outcome;
        try
        {
            outcome = await LoadAsync(attempt.Cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // LoadAsync maps every failure to a block already; this is the last line, never expected to run.
            outcome = new LoadOutcome(Block(GateCodes.Fault, $"Loading '{_pin.ToLocator()}' failed: {exception.GetType().FullName}.", exception));
        }

        lock (_sync)
        {
            if (outcome.Gate is not null && _compiled is null)
            {
                Volatile.Write(ref _compiled, outcome.Gate);
            }

            if (ReferenceEquals(_attempt, attempt))
            {
                _attempt = null;
            }
        }

        attempt.Completion.TrySetResult(outcome);
    }

    private async ValueTask<LoadOutcome> LoadAsync(CancellationToken cancellationToken)
    {
        string locator = _pin.ToLocator();
        PolicyArtifact? artifact;
        try
        {
            artifact = await _source.TryLoadAsync(_pin, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new LoadOutcome(_canceled);
        }
        catch (Exception exception)
        {
            return new LoadOutcome(Block(GateCodes.Fault, $"The policy source threw {exception.GetType().FullName} while loading '{locator}'.", exception));
        }

        if (artifact is null)
        {
            return new LoadOutcome(_missing);
        }

        if (artifact.Pin != _pin)
        {
            return new LoadOutcome(Block(
                GateCodes.PolicyMissing,
                $"The policy source answered with '{artifact.Pin}' when asked for '{_pin}'; a pinned gate never accepts a substitute."));
        }

        // One private copy: the bytes hashed, verified and compiled are the same bytes, whatever the source does next.
        byte[] content = artifact.Content.ToArray();
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, digest);
        if (!_pin.MatchesDigest(digest))
        {
            return new LoadOutcome(Block(
                GateCodes.PolicyDigestMismatch,
                $"The artifact for '{locator}' has SHA-256 {Convert.ToHexStringLower(digest)}, not the pinned {_pin.Sha256}."));
        }

        if (_trustStore is not null)
        {
            string? failure = _trustStore.Verify(content, artifact.Signature);
            if (failure is not null)
            {
                return new LoadOutcome(Block(GateCodes.PolicySignatureInvalid, $"The artifact for '{locator}' is not trusted. {failure}"));
            }
        }

        Gate<TContext>? compiled;
        try
        {
            compiled = _compile(new PolicyArtifact(_pin, content, artifact.Signature));
        }
        catch (Exception exception)
        {
            return new LoadOutcome(Block(
                GateCodes.PolicyInvalid,
                $"The policy compiler threw {exception.GetType().FullName} on '{locator}': {exception.Message}",
                exception));
        }

        return compiled is null
            ? new LoadOutcome(Block(GateCodes.PolicyInvalid, $"The policy compiler returned null for '{locator}'; it must return a gate or throw."))
            : new LoadOutcome(compiled);
    }

    private GateDecision Block(string code, string reason, Exception? exception = null) =>
        Stamp(GateDecision.Indeterminate(Name, code, reason, exception));

    private sealed class LoadAttempt
    {
        public TaskCompletionSource<LoadOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource Cancellation { get; } = new();

        /// <summary>Gets or sets the number of evaluations waiting; guarded by the gate's lock.</summary>
        public int Waiters { get; set; }
    }

    private readonly struct LoadOutcome
    {
        public LoadOutcome(Gate<TContext> gate)
        {
            Gate = gate;
        }

        public LoadOutcome(GateDecision decision)
        {
            Decision = decision;
        }

        public Gate<TContext>? Gate { get; }

        public GateDecision Decision { get; }
    }
}

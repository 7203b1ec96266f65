namespace FailClosed.Gates.Testing.Tests;

/// <summary>Gates and executors with the bugs the law checks exist to catch.</summary>
internal static class PlantedBugs
{
    /// <summary>A gate that asks a dependency and turns its exceptions into Allow.</summary>
    public sealed class SwallowingGate(Func<int, CancellationToken, ValueTask<bool>> dependency) : Gate<int>("swallowing")
    {
        protected override async ValueTask<GateDecision> EvaluateCoreAsync(int context, CancellationToken cancellationToken)
        {
            try
            {
                return await dependency(context, cancellationToken).ConfigureAwait(false) ? GateDecision.Allow(Name) : GateDecision.Deny(Name);
            }
#pragma warning disable CA1031, FCG0005 // The planted bug: every exception becomes an Allow.
            catch (Exception)
            {
                return GateDecision.Allow(Name);
            }
#pragma warning restore CA1031, FCG0005
        }
    }

    /// <summary>A gate over a dependency gate that reads "not denied" as allowed.</summary>
    public sealed class NotDeniedGate(Gate<int> dependency) : Gate<int>("not-denied")
    {
        protected override async ValueTask<GateDecision> EvaluateCoreAsync(int context, CancellationToken cancellationToken)
        {
            GateDecision decision = await dependency.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            return decision.Verdict == Verdict.Deny ? GateDecision.Deny(Name) : GateDecision.Allow(Name);
        }
    }

    /// <summary>A negation that flips Indeterminate (it negates "is allowed", so an unknown becomes an Allow).</summary>
    public sealed class FlippingNot<TContext>(string name, Gate<TContext> inner) : Gate<TContext>(name)
    {
        protected override async ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
        {
            GateDecision decision = await inner.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            return decision.IsAllowed ? GateDecision.Deny(Name) : GateDecision.Allow(Name);
        }
    }

    /// <summary>A conjunction that lets an Indeterminate child pass: it allows unless some child denies.</summary>
    public sealed class LenientAll<TContext>(string name, Gate<TContext>[] children) : Gate<TContext>(name)
    {
        protected override async ValueTask<GateDecision> EvaluateCoreAsync(TContext context, CancellationToken cancellationToken)
        {
            foreach (Gate<TContext> child in children)
            {
                GateDecision decision = await child.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
#pragma warning disable FCG0003 // The planted bug: only a Deny stops the loop, so an Indeterminate passes.
                if (decision.Verdict == Verdict.Deny)
#pragma warning restore FCG0003
                {
                    return decision;
                }
            }

            return GateDecision.Allow(Name);
        }
    }

    /// <summary>A cache keyed by the role alone: it serves the first amount's answer to every later amount.</summary>
    public sealed class StaleCacheGate(Gate<PaymentRequest> inner) : Gate<PaymentRequest>("cached-limit")
    {
        private readonly Dictionary<string, GateDecision> _cache = new(StringComparer.Ordinal);

        protected override async ValueTask<GateDecision> EvaluateCoreAsync(PaymentRequest context, CancellationToken cancellationToken)
        {
            if (_cache.TryGetValue(context.Role, out GateDecision cached))
            {
                return cached;
            }

            GateDecision decision = await inner.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            _cache[context.Role] = decision;
            return decision;
        }
    }

    /// <summary>An executor that starts writing the Intent, runs the side effect, and only then waits for the receipt.</summary>
    public static async ValueTask EagerExecuteAsync(
        IEvidenceSink sink,
        TimeProvider time,
        Func<CancellationToken, ValueTask> sideEffect,
        CancellationToken cancellationToken)
    {
        string id = Guid.NewGuid().ToString("N");
        ValueTask<EvidenceReceipt> intent = sink.AppendAsync(Record(EvidenceKind.Intent, id, time), cancellationToken);
        await sideEffect(cancellationToken).ConfigureAwait(false); // the planted bug: before the Intent is acknowledged
        await intent.ConfigureAwait(false);
        await sink.AppendAsync(Record(EvidenceKind.Outcome, id, time), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A "pinned" gate that loads its policy and compiles it without checking the digest.</summary>
    public sealed class DigestSkippingGate(PolicyPin pin, IPolicySource source) : Gate<PaymentRequest>("digest-skipping")
    {
        protected override async ValueTask<GateDecision> EvaluateCoreAsync(PaymentRequest context, CancellationToken cancellationToken)
        {
            PolicyArtifact? artifact = await source.TryLoadAsync(pin, cancellationToken).ConfigureAwait(false);
            if (artifact is null)
            {
                return GateDecision.Indeterminate(Name, GateCodes.PolicyMissing);
            }

            return await RoleLimitPolicyCompiler.Compile(artifact).EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static EvidenceRecord Record(EvidenceKind kind, string id, TimeProvider time) => new()
    {
        Timestamp = time.GetUtcNow(),
        Action = "payments.release",
        Kind = kind,
        Verdict = Verdict.Allow,
        Code = GateCodes.Allowed,
        Gate = "eager",
        ExecutionId = id,
    };
}

using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// What a pin costs once loaded: the same compiled role-limit gate evaluated on its own (the baseline), behind a
/// digest-pinned gate, and behind a signature-verified pinned gate. Target: at most 1.2x the baseline, 0 B.
/// </summary>
[MemoryDiagnoser]
public class PolicyPinningBenchmarks
{
    private readonly PaymentRequest _request = new("clerk", 900m);
    private Gate<PaymentRequest> _compiled = null!;
    private Gate<PaymentRequest> _pinned = null!;
    private Gate<PaymentRequest> _pinnedSigned = null!;
    private ECDsa _key = null!;

    [GlobalSetup]
    public void Setup()
    {
        FrozenDictionary<string, decimal> limits = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            ["clerk"] = 1_000m,
            ["treasurer"] = 250_000m,
        }.ToFrozenDictionary(StringComparer.Ordinal);
        // Decisions built once, as every gate should: creating one allocates its immutable core.
        GateDecision allow = GateDecision.Allow("payments-release@3");
        GateDecision deny = GateDecision.Deny("payments-release@3");
        _compiled = Gate.From<PaymentRequest>(
            "payments-release@3",
            request => limits.TryGetValue(request.Role, out decimal limit) && request.Amount <= limit ? allow : deny);

        byte[] policy = Encoding.UTF8.GetBytes("""{ "roles": [ { "role": "clerk", "maxAmount": 1000 }, { "role": "treasurer", "maxAmount": 250000 } ] }""");
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var source = new InMemoryPolicySource();
        PolicyPin pin = source.Publish("payments-release", "3", policy, PolicySignature.Sign("release", policy, _key));
        PolicyTrustStore trust = PolicyTrustStore.FromPem([new KeyValuePair<string, string>("release", _key.ExportSubjectPublicKeyInfoPem())]);

        // The compiler hands back the very gate of the baseline, so the ratio is the pin's overhead alone.
        _pinned = Gate.Pinned<PaymentRequest>(pin, source, _ => _compiled);
        _pinnedSigned = Gate.Pinned<PaymentRequest>(pin, source, _ => _compiled, PolicyVerification.RequireSignature(trust));
        foreach (Gate<PaymentRequest> gate in new[] { _pinned, _pinnedSigned })
        {
            GateDecision first = gate.EvaluateAsync(_request).AsTask().GetAwaiter().GetResult();
            if (!first.IsAllowed || first.Pin != pin)
            {
                throw new InvalidOperationException($"The pinned gate did not load: {first}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark(Baseline = true)]
    public GateDecision CompiledGateAlone() => _compiled.EvaluateAsync(_request).Result;

    [Benchmark]
    public GateDecision PinnedByDigest() => _pinned.EvaluateAsync(_request).Result;

    [Benchmark]
    public GateDecision PinnedAndSigned() => _pinnedSigned.EvaluateAsync(_request).Result;

    public sealed record PaymentRequest(string Role, decimal Amount);
}

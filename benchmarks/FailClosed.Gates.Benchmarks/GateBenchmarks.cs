using System.Linq.Expressions;
using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FailClosed.Gates.Benchmarks;

/// <summary>
/// The same 8 checks over one payment: a hand-written <c>if</c> chain (the baseline), an <c>All</c> gate of delegate
/// requirements, an <c>All</c> gate of expression requirements (fused into one compiled method), ASP.NET Core's
/// <see cref="IAuthorizationService"/> with 8 requirements, and an <c>All</c> gate whose last leaf completes
/// asynchronously.
/// </summary>
[MemoryDiagnoser]
public class GateBenchmarks
{
    private readonly Payment _payment = new(Amount: 950m, Currency: "EUR", Country: "DE", ApproverId: "alice", RequesterId: "bob", RiskScore: 12, Attempts: 1, KycComplete: true);
    private readonly ClaimsPrincipal _user = new(new ClaimsIdentity("benchmark"));

    private Func<Payment, bool>[] _checks = [];
    private Gate<Payment> _all = null!;
    private Gate<Payment> _allFused = null!;
    private Gate<Payment> _allWithAsyncLeaf = null!;
    private IAuthorizationService _authorization = null!;
    private AuthorizationPolicy _policy = null!;
    private ServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup()
    {
        _checks = Checks();

        var gates = new Gate<Payment>[_checks.Length];
        var requirements = new IAuthorizationRequirement[_checks.Length];
        for (int i = 0; i < _checks.Length; i++)
        {
            Func<Payment, bool> check = _checks[i];
            gates[i] = Gate.Require($"check-{i}", check);
            requirements[i] = new AssertionRequirement(context => check((Payment)context.Resource!));
        }

        _all = Gate.All(gates);
        _allFused = Gate.All(ExpressionChecks().Select(static (check, i) => Gate.RequireExpression($"check-{i}", check)).ToArray());

        var withAsync = (Gate<Payment>[])gates.Clone();
        withAsync[^1] = Gate.Require<Payment>("check-async", static async (p, _) =>
        {
            await Task.Yield();
            return p.KycComplete;
        });
        _allWithAsyncLeaf = Gate.All(withAsync);

        _services = new ServiceCollection().AddLogging().AddAuthorizationCore().BuildServiceProvider();
        _authorization = _services.GetRequiredService<IAuthorizationService>();
        _policy = new AuthorizationPolicy(requirements, []);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "if chain (8 delegates)")]
    public bool IfChain()
    {
        Payment p = _payment;
        Func<Payment, bool>[] c = _checks;
        return c[0](p) && c[1](p) && c[2](p) && c[3](p) && c[4](p) && c[5](p) && c[6](p) && c[7](p);
    }

    [Benchmark(Description = "Gate.All (8 sync gates)")]
    public bool GateAll() => _all.EvaluateAsync(_payment).GetAwaiter().GetResult().IsAllowed;

    [Benchmark(Description = "Gate.All (8 fused RequireExpression)")]
    public bool GateAllFused() => _allFused.EvaluateAsync(_payment).GetAwaiter().GetResult().IsAllowed;

    [Benchmark(Description = "IAuthorizationService (8 requirements)")]
    public async Task<bool> AuthorizationService() =>
        (await _authorization.AuthorizeAsync(_user, _payment, _policy)).Succeeded;

    [Benchmark(Description = "Gate.All (7 sync + 1 async leaf)")]
    public async Task<bool> GateAllWithAsyncLeaf() => (await _allWithAsyncLeaf.EvaluateAsync(_payment)).IsAllowed;

    /// <summary>The 8 checks, as delegates.</summary>
    internal static Func<Payment, bool>[] Checks() =>
    [
        static p => p.Amount <= 10_000m,
        static p => p.Currency == "EUR",
        static p => p.Country != "XX",
        static p => p.ApproverId is not null,
        static p => p.ApproverId != p.RequesterId,
        static p => p.RiskScore < 50,
        static p => p.Attempts <= 3,
        static p => p.KycComplete,
    ];

    /// <summary>The same 8 checks, as expressions (an expression tree cannot hold <c>is not null</c>).</summary>
    internal static Expression<Func<Payment, bool>>[] ExpressionChecks() =>
    [
        static p => p.Amount <= 10_000m,
        static p => p.Currency == "EUR",
        static p => p.Country != "XX",
        static p => p.ApproverId != null,
        static p => p.ApproverId != p.RequesterId,
        static p => p.RiskScore < 50,
        static p => p.Attempts <= 3,
        static p => p.KycComplete,
    ];

    public sealed record Payment(decimal Amount, string Currency, string Country, string? ApproverId, string RequesterId, int RiskScore, int Attempts, bool KycComplete);
}

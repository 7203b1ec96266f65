namespace FailClosed.Gates.Tests.Entitlements;

/// <summary>An entitlement source that answers what the test tells it to, or never answers, or throws.</summary>
internal sealed class ScriptedEntitlementSource : IEntitlementSource
{
    private readonly Func<IReadOnlyList<string>, CancellationToken, ValueTask<EntitlementAnswer>> _answer;

    public ScriptedEntitlementSource(Func<IReadOnlyList<string>, CancellationToken, ValueTask<EntitlementAnswer>> answer)
    {
        _answer = answer;
    }

    public IReadOnlyList<string>? LastAsked { get; private set; }

    public static ScriptedEntitlementSource Answering(EntitlementAnswer answer) => new((_, _) => new ValueTask<EntitlementAnswer>(answer));

    public static ScriptedEntitlementSource Never() => new((_, _) => new ValueTask<EntitlementAnswer>(new TaskCompletionSource<EntitlementAnswer>().Task));

    public ValueTask<EntitlementAnswer> GetEntitlementsAsync(string subject, IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        LastAsked = itemIds;
        return _answer(itemIds, cancellationToken);
    }
}

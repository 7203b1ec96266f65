using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Entitlements;

/// <summary>
/// The all-or-nothing law: output ⊆ entitled ∧ (output = entitled ∩ requested for a complete answer) ∨ output = ∅.
/// </summary>
public sealed class EntitlementFilterPropertyTests
{
    private static readonly string[] Universe = ["a", "b", "c", "d", "e", "f"];

    [Fact]
    public void Apply_AnyAnswer_IsExactSubsetOrNothing()
    {
        Gen<string[]> ids = Gen.SubListOf(Universe).Select(l => l.ToArray());
        Gen<(string[] Requested, string[] Granted, string[] Refused, bool Complete)> cases =
            from requested in Gen.ListOf(Gen.Elements(Universe)).Select(l => l.ToArray())
            from granted in ids
            from refused in ids
            from complete in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
            select (requested, granted, refused, complete);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true),
            Prop.ForAll(Arb.From(cases), c =>
            {
                var answer = new EntitlementAnswer(c.Granted, c.Refused, c.Complete);
                EntitlementResult result = EntitlementFilter.Apply("docs", c.Requested, answer);
                var output = result.Items.ToHashSet(StringComparer.Ordinal);
                var entitled = c.Granted.ToHashSet(StringComparer.Ordinal);
                var requested = c.Requested.ToHashSet(StringComparer.Ordinal);

                bool subset = output.IsSubsetOf(entitled);
                bool wellAnswered = c.Complete && requested.All(id => entitled.Contains(id) ^ c.Refused.Contains(id));
                bool exact = output.SetEquals(entitled.Intersect(requested));

                // Complete and consistent: exactly the entitled part, allowed. Otherwise: nothing, ResultIncomplete.
                return wellAnswered
                    ? subset && exact && result.Decision.IsAllowed && result.Items.Count == output.Count
                    : output.Count == 0 && result.Decision.Code == GateCodes.ResultIncomplete && !result.Decision.IsAllowed;
            }));
    }
}

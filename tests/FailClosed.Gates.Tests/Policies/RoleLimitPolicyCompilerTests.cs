using System.Text;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Policies;

public sealed class RoleLimitPolicyCompilerTests
{
    [Theory]
    [InlineData("clerk", 1000, Verdict.Allow)]
    [InlineData("clerk", 1000.01, Verdict.Deny)]
    [InlineData("treasurer", 250000, Verdict.Allow)]
    [InlineData("intern", 1, Verdict.Deny)]
    [InlineData("Clerk", 1, Verdict.Deny)]
    public async Task Compile_ExamplePolicy_AllowsListedRolesUpToTheirLimit(string role, double amount, Verdict expected)
    {
        Gate<PaymentRequest> gate = RoleLimitPolicyCompiler.Compile("example", PolicyTestData.Policy);

        GateDecision decision = await gate.EvaluateAsync(new PaymentRequest(role, (decimal)amount));

        Assert.Equal(expected, decision.Verdict);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{ "roles": [] }""", "allows no role")]
    [InlineData("""{ "roles": {} }""", "must be an array")]
    [InlineData("""{ "roles": [], "extra": 1 }""", "unknown property 'extra'")]
    [InlineData("""{ "roles": [ { "role": "a", "maxAmount": 1, "maxAmount": 2 } ] }""", "repeats the property 'maxAmount'")]
    [InlineData("""{ "roles": [ { "role": "a" } ] }""", "lacks the property 'maxAmount'")]
    [InlineData("""{ "roles": [ { "role": "", "maxAmount": 1 } ] }""", "non-empty string 'role'")]
    [InlineData("""{ "roles": [ { "role": "a", "maxAmount": "1" } ] }""", "number of zero or more")]
    [InlineData("""{ "roles": [ { "role": "a", "maxAmount": -1 } ] }""", "number of zero or more")]
    [InlineData("""{ "roles": [ { "role": "a", "maxAmount": 1 }, { "role": "a", "maxAmount": 2 } ] }""", "repeats the role 'a'")]
    [InlineData("""{ "roles": [ { "role": "a", "maxAmount": 1 }, ] }""", "not valid JSON")]
    [InlineData("""{ /* c */ "roles": [ { "role": "a", "maxAmount": 1 } ] }""", "not valid JSON")]
    public void Compile_MalformedPolicy_ThrowsFormatException(string json, string rule)
    {
        var exception = Assert.Throws<FormatException>(() => RoleLimitPolicyCompiler.Compile("example", Encoding.UTF8.GetBytes(json)));

        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
    }
}

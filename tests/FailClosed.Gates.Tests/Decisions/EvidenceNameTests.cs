using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Decisions;

/// <summary>The name rule for everything that goes into evidence as a name, at every place a name is given.</summary>
public sealed class EvidenceNameTests
{
    private static readonly Gate<int> Child = Gate.Allow<int>("child");

    /// <summary>Every public way to give a name that ends up in evidence, by the parameter that takes it.</summary>
    private static readonly Dictionary<string, (string Parameter, Action<string> Build)> Sites = new()
    {
        ["Gate.Require(sync)"] = ("name", name => Gate.Require<int>(name, static _ => true)),
        ["Gate.Require(async)"] = ("name", name => Gate.Require<int>(name, static (_, _) => ValueTask.FromResult(true))),
        ["Gate.From(sync)"] = ("name", name => Gate.From<int>(name, static _ => default)),
        ["Gate.From(async)"] = ("name", name => Gate.From<int>(name, static (_, _) => ValueTask.FromResult(default(GateDecision)))),
        ["Gate.Allow"] = ("name", name => Gate.Allow<int>(name)),
        ["Gate.Deny"] = ("name", name => Gate.Deny<int>(name)),
        ["Gate.All(name)"] = ("name", name => Gate.All(name, Child)),
        ["Gate.Any(name)"] = ("name", name => Gate.Any(name, Child)),
        ["Gate.Not(name)"] = ("name", name => Gate.Not(name, Child)),
        ["Gate.Timeout(name)"] = ("name", name => Gate.Timeout(name, Child, TimeSpan.FromSeconds(1))),
        ["Gate.Pinned(name)"] = ("name", name => Gate.Pinned<int>(name, PolicyTestData.Pin, new InMemoryPolicySource(), static _ => Child)),
        ["custom Gate<T>"] = ("name", name => _ = new CustomGate(name)),
        ["GateDecision.Allow"] = ("gate", name => _ = GateDecision.Allow(name)),
        ["GateDecision.Deny"] = ("gate", name => _ = GateDecision.Deny(name)),
        ["GateDecision.Indeterminate"] = ("gate", name => _ = GateDecision.Indeterminate(name, GateCodes.Fault)),
        ["GuardedAction"] = ("name", name => _ = new GuardedAction<int>(name, Child)),
        ["ActionCatalogBuilder.Add"] = ("action", name => ActionCatalog.CreateBuilder().Add(name, FailMode.Closed)),
        ["ActionCatalogBuilder.AddClosed"] = ("action", name => ActionCatalog.CreateBuilder().AddClosed(name)),
    };

    /// <summary>A name breaking each rule, and what the message must say (the escaped quote, then the rule).</summary>
    private static readonly (string Name, string Quoted, string Rule)[] BadNames =
    [
        (string.Empty, string.Empty, "must not be empty"),
        ("   ", "'   '", "is only white space"),
        (" lead", "' lead'", "starts with white space"),
        ("trail\u00A0", "'trail\u00A0'", "ends with white space"),
        ("line\nbreak", "'line\\nbreak'", "control character U+000A at index 4"),
        ("nul\0", "'nul\\u0000'", "control character U+0000 at index 3"),
        ("del\u007F", "'del\\u007F'", "control character U+007F at index 3"),
        ("next\u0085line", "'next\\u0085line'", "control character U+0085 at index 4"),
        ("tab\there", "'tab\\there'", "control character U+0009 at index 3"),
        ("line\u2028sep", "'line\\u2028sep'", "line or paragraph separator U+2028 at index 4"),
        ("para\u2029sep", "'para\\u2029sep'", "line or paragraph separator U+2029 at index 4"),
        ("rtl\u202Eoverride", "'rtl\\u202Eoverride'", "bidirectional control U+202E at index 3"),
        ("iso\u2066late", "'iso\\u2066late'", "bidirectional control U+2066 at index 3"),
        ("mark\u200F", "'mark\\u200F'", "bidirectional control U+200F at index 4"),
        ("half\uD800", "'half\\uD800'", "lone surrogate at index 4"),
        ("\uDC00half", "'\\uDC00half'", "lone surrogate at index 0"),
        (new string('x', 257), "'" + new string('x', 64) + "…'", "is 257 characters long; at most 256 are allowed"),
    ];

    public static TheoryData<string, int> SiteAndBadName()
    {
        var data = new TheoryData<string, int>();
        foreach (string site in Sites.Keys)
        {
            for (int i = 0; i < BadNames.Length; i++)
            {
                data.Add(site, i);
            }
        }

        return data;
    }

    public static TheoryData<string> Site() => new(Sites.Keys);

    [Theory]
    [MemberData(nameof(SiteAndBadName))]
    public void Build_NameBreaksTheRule_ThrowsQuotingTheNameAndTheRule(string site, int bad)
    {
        (string parameter, Action<string> build) = Sites[site];
        (string name, string quoted, string rule) = BadNames[bad];

        ArgumentException exception = Assert.Throws<ArgumentException>(() => build(name));

        Assert.Equal(parameter, exception.ParamName);
        Assert.Contains(quoted, exception.Message, StringComparison.Ordinal);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
        Assert.EndsWith($". (Parameter '{parameter}')", exception.Message, StringComparison.Ordinal); // a whole sentence
    }

    [Theory]
    [MemberData(nameof(Site))]
    public void Build_NullName_ThrowsArgumentNull(string site)
    {
        (string parameter, Action<string> build) = Sites[site];

        ArgumentNullException exception = Assert.Throws<ArgumentNullException>(() => build(null!));

        Assert.Equal(parameter, exception.ParamName);
    }

    [Theory]
    [MemberData(nameof(Site))]
    public void Build_NameAtTheLimitWithInnerSpacesAndNonAscii_IsAccepted(string site)
    {
        string name = "café ✓ 😀 " + new string('n', 256 - "café ✓ 😀 ".Length);
        Assert.Equal(256, name.Length);

        Sites[site].Build(name);
    }

    [Fact]
    public void Build_SeventyThousandCharacterGateName_ThrowsWithoutQuotingItWhole()
    {
        string name = new('g', 70_000);

        ArgumentException exception = Assert.Throws<ArgumentException>(() => Gate.Require<int>(name, static _ => true));

        Assert.Contains("70000 characters long", exception.Message, StringComparison.Ordinal);
        Assert.True(exception.Message.Length < 400, exception.Message);
    }

    [Fact]
    public void All_ShortChildNames_AreComposedInFull()
    {
        Assert.Equal("all(a, b)", Gate.All(Gate.Allow<int>("a"), Gate.Allow<int>("b")).Name);
        Assert.Equal("not(any(a))", Gate.Not(Gate.Any(Gate.Allow<int>("a"))).Name);
    }

    [Fact]
    public void All_ComposedNameOverTheLimit_IsCutTo256EndingWithEllipsis()
    {
        Gate<int>[] children = Enumerable.Range(0, 20).Select(i => Gate.Allow<int>($"child-{i}-" + new string('x', 30))).ToArray();

        string name = Gate.All(children).Name;

        Assert.Equal(256, name.Length);
        Assert.StartsWith("all(child-0-", name, StringComparison.Ordinal);
        Assert.EndsWith("…)", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Combinators_WrappingAMaximalName_StayWithinTheLimit()
    {
        Gate<int> gate = Gate.Allow<int>(new string('m', 256));

        gate = Gate.Cached(Gate.Not(gate).WithTimeout(TimeSpan.FromSeconds(1)).And(gate).Or(gate), TimeSpan.FromSeconds(1), static (int x) => x);

        Assert.Equal(256, gate.Name.Length);
        Assert.StartsWith("cached(any(all(timeout(not(mmm", gate.Name, StringComparison.Ordinal);
        Assert.EndsWith("…)", gate.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Pinned_LongestPin_IsNamedWithinTheLimit()
    {
        string segment = new('p', PolicyPin.MaxSegmentLength);
        PolicyPin pin = PolicyPin.FromContent(segment, segment, "{}"u8);

        Gate<int> gate = Gate.Pinned<int>(pin, new InMemoryPolicySource(), static _ => Child);

        Assert.Equal(256, gate.Name.Length);
        Assert.StartsWith("pinned(ppp", gate.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void All_CutFallsInsideASurrogatePair_NeverSplitsIt()
    {
        // "all(" + 251 characters puts the pair "😀" at indexes 255 and 256: the cut at 254 must not keep half of it.
        for (int pad = 248; pad <= 252; pad++)
        {
            string child = new string('s', pad) + "😀😀";

            string name = Gate.All(Gate.Allow<int>(child)).Name;

            Assert.True(name.Length <= 256);
            Assert.False(char.IsHighSurrogate(name[^3]), $"pad {pad}: a lone high surrogate before the ellipsis");
            _ = Gate.Allow<int>(name); // a composed name obeys the rule it was built under
        }
    }

    [Fact]
    public void GuardedAction_NameWithNewline_IsRefusedBeforeAnyExecution()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => new GuardedAction<int>("invoice.approve\nforged", Child));

        Assert.Contains("The action name 'invoice.approve\\nforged' contains the control character U+000A", exception.Message, StringComparison.Ordinal);
    }

    private sealed class CustomGate(string name) : Gate<int>(name)
    {
        protected override ValueTask<GateDecision> EvaluateCoreAsync(int context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GateDecision.Allow(Name));
    }
}

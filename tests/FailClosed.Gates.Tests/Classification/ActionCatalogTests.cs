namespace FailClosed.Gates.Tests.Classification;

public sealed class ActionCatalogTests
{
    private static readonly DateTimeOffset ReviewBy = new(2026, 6, 30, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Empty_IsLenientAndEveryActionIsClosed()
    {
        Assert.False(ActionCatalog.Empty.IsStrict);
        Assert.Empty(ActionCatalog.Empty.Actions);
        Assert.False(ActionCatalog.Empty.Contains("x"));
        Assert.Same(FailMode.Closed, ActionCatalog.Empty.GetMode("x"));
        Assert.False(ActionCatalog.Empty.IsFailOpenInForce("x", ReviewBy.AddDays(-1)));
    }

    [Fact]
    public void Build_KeepsEntriesAndStrictness()
    {
        FailMode open = FailMode.Open("tolerable", ReviewBy);

        ActionCatalog catalog = ActionCatalog.CreateBuilder()
            .AddClosed("invoice.approve")
            .Add("telemetry.flush", open)
            .Strict()
            .Build();

        Assert.True(catalog.IsStrict);
        Assert.Equal(["invoice.approve", "telemetry.flush"], catalog.Actions);
        Assert.True(catalog.Contains("invoice.approve"));
        Assert.False(catalog.Contains("Invoice.Approve"));
        Assert.Same(open, catalog.GetMode("telemetry.flush"));
        Assert.Same(FailMode.Closed, catalog.GetMode("invoice.approve"));
        Assert.Equal("strict ActionCatalog (2 actions)", catalog.ToString());
    }

    [Fact]
    public void IsFailOpenInForce_OnlyForAListedExemptionBeforeItsReviewDate()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder()
            .AddClosed("invoice.approve")
            .Add("telemetry.flush", FailMode.Open("tolerable", ReviewBy))
            .Build();

        Assert.True(catalog.IsFailOpenInForce("telemetry.flush", ReviewBy.AddSeconds(-1)));
        Assert.False(catalog.IsFailOpenInForce("telemetry.flush", ReviewBy));
        Assert.False(catalog.IsFailOpenInForce("invoice.approve", ReviewBy.AddSeconds(-1)));
        Assert.False(catalog.IsFailOpenInForce("unlisted", ReviewBy.AddSeconds(-1)));
    }

    [Fact]
    public void Add_Duplicate_ThrowsNamingTheAction()
    {
        ActionCatalogBuilder builder = ActionCatalog.CreateBuilder().AddClosed("a");

        var exception = Assert.Throws<ArgumentException>(() => builder.Add("a", FailMode.Open("Telemetry may be lost while the collector is down.", ReviewBy)));

        Assert.Contains("'a'", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void Add_BlankAction_Throws(string? action)
    {
        Assert.ThrowsAny<ArgumentException>(() => ActionCatalog.CreateBuilder().AddClosed(action!));
    }

    [Fact]
    public void Add_NullMode_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ActionCatalog.CreateBuilder().Add("a", null!));
    }

    [Fact]
    public void Builder_AfterBuild_IsFrozen()
    {
        ActionCatalogBuilder builder = ActionCatalog.CreateBuilder().AddClosed("a");
        ActionCatalog catalog = builder.Build();

        Assert.Throws<InvalidOperationException>(() => builder.AddClosed("b"));
        Assert.Throws<InvalidOperationException>(() => builder.Strict());
        Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Equal(["a"], catalog.Actions);
        Assert.False(catalog.IsStrict);
    }

    [Fact]
    public void ToMarkdown_RendersOneRowPerActionWithStatus()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder()
            .Add("telemetry.flush", FailMode.Open("Loss is tolerable", ReviewBy))
            .AddClosed("invoice.approve")
            .Add("cache.warm", FailMode.Open("Best effort", ReviewBy.AddYears(-1)))
            .Strict()
            .Build();

        string markdown = catalog.ToMarkdown(ReviewBy.AddDays(-1));

        Assert.Equal(
            """
            Strict catalog: an action not listed here is blocked with `ActionUnclassified`.

            | Action | Mode | Justification | Review by | Status |
            |---|---|---|---|---|
            | cache.warm | Open | Best effort | 2025-06-30T00:00:00Z | expired: counts as closed |
            | invoice.approve | Closed |  |  | closed |
            | telemetry.flush | Open | Loss is tolerable | 2026-06-30T00:00:00Z | open |

            """.ReplaceLineEndings("\n"),
            markdown);
    }

    [Fact]
    public void ToMarkdown_AfterTheReviewDate_ShowsTheExemptionExpired()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder().Add("telemetry.flush", FailMode.Open("Telemetry may be lost while the collector is down.", ReviewBy)).Build();

        Assert.Contains("| expired: counts as closed |", catalog.ToMarkdown(ReviewBy), StringComparison.Ordinal);
        Assert.StartsWith("Lenient catalog", catalog.ToMarkdown(ReviewBy), StringComparison.Ordinal);
    }

    [Fact]
    public void ToMarkdown_EscapesTableBreakingText()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder()
            .Add("a|b", FailMode.Open("line one\nline | two *bold*", ReviewBy))
            .Build();

        string row = catalog.ToMarkdown(ReviewBy.AddDays(-1)).Split('\n')[4];

        Assert.Equal(@"| a\|b | Open | line one line \| two \*bold\* | 2026-06-30T00:00:00Z | open |", row);
    }

    [Fact]
    public void Actions_CannotBeCastBackToAMutableArray()
    {
        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("a").Build();

        Assert.IsNotType<string[]>(catalog.Actions);
    }

    [Fact]
    public void Lookups_NullAction_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ActionCatalog.Empty.Contains(null!));
        Assert.Throws<ArgumentNullException>(() => ActionCatalog.Empty.GetMode(null!));
        Assert.Throws<ArgumentNullException>(() => ActionCatalog.Empty.IsFailOpenInForce(null!, ReviewBy));
    }
}

using FailClosed.Gates.Extensions.Tests.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FailClosed.Gates.Extensions.Tests.DependencyInjection;

public sealed class AddFailClosedGatesTests
{
    [Fact]
    public void AddFailClosedGates_Default_RegistersTheExecutorOnTheHostedJournalWithTheSystemClock()
    {
        var services = new ServiceCollection();
        services.AddFailClosedGates(gates => gates.UseInMemoryEvidence());
        using ServiceProvider provider = services.BuildServiceProvider();

        EvidenceFirstExecutor executor = provider.GetRequiredService<EvidenceFirstExecutor>();
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Same(ActionCatalog.Empty, provider.GetRequiredService<ActionCatalog>());
        Assert.Same(ActionCatalog.Empty, executor.Catalog);
        Assert.IsType<HostedEvidenceJournal>(provider.GetRequiredService<IEvidenceSink>());
        Assert.Same(PolicyVerification.DigestOnly, provider.GetRequiredService<PolicyVerification>());
        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public void AddFailClosedGates_ApplicationRegistrationsFirst_TheirsWin()
    {
        var clock = new ManualTimeProvider();
        ActionCatalog catalog = ActionCatalog.CreateBuilder().AddClosed("payments.send").Strict().Build();
        var queue = new InMemoryReviewQueue();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(catalog);
        services.AddSingleton<IReviewQueue>(queue);
        services.AddFailClosedGates(gates => gates.UseInMemoryEvidence().UseInMemoryReviewQueue());
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        Assert.Same(catalog, provider.GetRequiredService<EvidenceFirstExecutor>().Catalog);
        Assert.Same(queue, Assert.Single(provider.GetServices<IReviewQueue>()));
    }

    [Fact]
    public void AddFailClosedGates_CalledTwice_AddsNoService()
    {
        var services = new ServiceCollection();
        services.AddFailClosedGates();
        int once = services.Count;

        services.AddFailClosedGates();
        services.AddFailClosedGates("payments", static _ => { });
        int withNamed = services.Count;
        services.AddFailClosedGates("payments", static _ => { });

        Assert.Equal(once, services.Count - (withNamed - once));
        Assert.Equal(withNamed, services.Count);
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IHostedService>());
        Assert.Equal(["", "payments"], provider.GetRequiredService<EvidenceFirstExecutorProvider>().Names);
    }

    [Fact]
    public void AddFailClosedGates_Named_GivesEachNameItsOwnKeyedExecutorJournalAndCatalog()
    {
        var services = new ServiceCollection();
        services.AddFailClosedGates("payments", gates => gates.UseInMemoryEvidence().Configure(o =>
        {
            o.Catalog.Strict = true;
            o.Catalog.Actions.Add(new GuardedActionOptions { Name = "payments.send" });
        }));
        services.AddFailClosedGates("reports", gates => gates.UseInMemoryEvidence());
        using ServiceProvider provider = services.BuildServiceProvider();

        var executors = provider.GetRequiredService<EvidenceFirstExecutorProvider>();
        EvidenceFirstExecutor payments = provider.GetRequiredKeyedService<EvidenceFirstExecutor>("payments");
        EvidenceFirstExecutor reports = provider.GetRequiredKeyedService<EvidenceFirstExecutor>("reports");
        Assert.Same(payments, executors.GetExecutor("payments"));
        Assert.NotSame(payments, reports);
        Assert.True(payments.Catalog.IsStrict);
        Assert.False(reports.Catalog.IsStrict);
        Assert.NotSame(executors.GetJournal("payments"), executors.GetJournal("reports"));
        Assert.Equal("payments", executors.GetJournal("payments").Name);
        Assert.Null(provider.GetService<EvidenceFirstExecutor>());
    }

    [Fact]
    public void GetExecutor_UnknownName_ThrowsNamingTheRegistrations()
    {
        var services = new ServiceCollection();
        services.AddFailClosedGates("payments", gates => gates.UseInMemoryEvidence());
        using ServiceProvider provider = services.BuildServiceProvider();

        ArgumentException thrown = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<EvidenceFirstExecutorProvider>().GetExecutor("payment"));

        Assert.Contains("'payment'", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("'payments'", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFailClosedGates_Configuration_BindsEveryOptionGroup()
    {
        using var journal = new TestJournal();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Evidence:Path"] = journal.Path,
            ["Evidence:Origin"] = "test.example/bound",
            ["Evidence:SigningKeyPath"] = journal.KeyPath,
            ["Evidence:WriteTimeout"] = "00:00:02",
            ["Catalog:Strict"] = "true",
            ["Catalog:Actions:0:Name"] = "invoice.approve",
            ["Catalog:Actions:1:Name"] = "report.send",
            ["Catalog:Actions:1:FailOpen"] = "true",
            ["Catalog:Actions:1:Justification"] = "Reports are advisory.",
            ["Catalog:Actions:1:ReviewBy"] = "2027-03-31T00:00:00Z",
            ["Policies:RequireSignatures"] = "true",
            ["Policies:TrustedKeys:release-2026"] = journal.PublicKeyPath,
            ["Health:QueuedReviewThreshold"] = "7",
        }).Build();
        var services = new ServiceCollection();
        services.AddFailClosedGates(configuration);
        using ServiceProvider provider = services.BuildServiceProvider();

        FailClosedGatesOptions options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<FailClosedGatesOptions>>().Value;
        EvidenceFirstExecutor executor = provider.GetRequiredService<EvidenceFirstExecutor>();
        Assert.Equal(TimeSpan.FromSeconds(2), executor.EvidenceWriteTimeout);
        Assert.Equal(["invoice.approve", "report.send"], executor.Catalog.Actions.Order(StringComparer.Ordinal));
        Assert.True(executor.Catalog.GetMode("report.send").IsOpen);
        Assert.Equal("release-2026", Assert.Single(provider.GetRequiredService<PolicyVerification>().TrustStore!.KeyIds));
        Assert.Equal(7, options.Health.QueuedReviewThreshold);
    }
}

using FailClosed.Gates.Extensions.Tests.TestUtilities;
using Microsoft.Extensions.Options;

namespace FailClosed.Gates.Extensions.Tests.Options;

public sealed class OptionsValidationTests
{
    private static readonly DateTimeOffset ReviewBy = new(2027, 3, 31, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Problems => new()
    {
        { "no journal path", "Evidence:Path is not set" },
        { "unwritable directory", "is a file, not a directory" },
        { "no signing key", "Evidence:SigningKeyPath is not set" },
        { "signing key file missing", "no such file exists; create the key" },
        { "signing key not a private key", "does not hold a readable ECDSA private key" },
        { "no origin", "Evidence:Origin is not set" },
        { "strict catalog without actions", "Catalog:Strict is true but Catalog:Actions is empty" },
        { "open exemption without justification", "is a fail-open exemption without a Justification" },
        { "open exemption without review date", "is a fail-open exemption without a ReviewBy date" },
        { "duplicate action names", "Catalog:Actions:1:Name 'payments.send' is listed more than once" },
        { "action without a name", "Catalog:Actions:0:Name is not set" },
        { "signatures required without trusted keys", "Policies:RequireSignatures is true but Policies:TrustedKeys is empty" },
        { "trusted key file missing", "Policies:TrustedKeys:release is" },
        { "trusted key is a private key", "cannot be trusted as a key" },
        { "previous signing key missing", "Evidence:PreviousSigningKeys:old is" },
        { "policy directory missing", "Policies:Directory is" },
        { "write timeout zero", "Evidence:WriteTimeout is '00:00:00'" },
        { "checkpoint every zero records", "Evidence:CheckpointEveryRecords is 0" },
        { "slow append threshold zero", "Health:SlowAppendThreshold is '00:00:00'" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task StartAsync_Misconfigured_FailsWithOneMessageNamingTheSettingAndTheFix(string problem, string expected)
    {
        await using GatesHost host = GatesHost.Create(options => Break(options, problem));

        OptionsValidationException thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());

        string failure = Assert.Single(thrown.Failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.Contains("; ", failure, StringComparison.Ordinal); // the fix follows the problem
        Assert.False(File.Exists(host.Journal.Path), "A misconfigured host must not open its journal.");
    }

    [Fact]
    public async Task StartAsync_SeveralProblems_ReportsEachOnce()
    {
        await using GatesHost host = GatesHost.Create(options =>
        {
            options.Evidence.Path = null;
            options.Evidence.SigningKeyPath = null;
            options.Catalog.Strict = true;
            options.Policies.RequireSignatures = true;
        });

        OptionsValidationException thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());

        Assert.Equal(4, thrown.Failures.Count());
    }

    [Fact]
    public async Task StartAsync_ValidOptions_StartsAndOpensTheJournal()
    {
        await using GatesHost host = await GatesHost.StartAsync(options =>
        {
            options.Catalog.Strict = true;
            options.Catalog.Actions.Add(new GuardedActionOptions { Name = "payments.send" });
            options.Catalog.Actions.Add(new GuardedActionOptions { Name = "report.send", FailOpen = true, Justification = "Advisory only.", ReviewBy = ReviewBy });
        });

        Assert.True(File.Exists(host.Journal.Path));
        Assert.True(host.HostedJournal.IsAvailable);
    }

    [Fact]
    public void Validate_NamedRegistration_PrefixesTheRegistrationName()
    {
        var options = new FailClosedGatesOptions();
        options.Evidence.Store = EvidenceStore.InMemory;
        options.Catalog.Strict = true;

        ValidateOptionsResult result = new FailClosedGatesOptionsValidator().Validate("payments", options);

        Assert.StartsWith("Registration 'payments': Catalog:Strict", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InMemoryStore_NeedsNoJournalSettings()
    {
        var options = new FailClosedGatesOptions();
        options.Evidence.Store = EvidenceStore.InMemory;

        Assert.True(new FailClosedGatesOptionsValidator().Validate(null, options).Succeeded);
    }

    private static void Break(FailClosedGatesOptions options, string problem)
    {
        switch (problem)
        {
            case "no journal path":
                options.Evidence.Path = null;
                break;
            case "unwritable directory":
                string file = Path.Combine(Path.GetDirectoryName(options.Evidence.SigningKeyPath!)!, "not-a-directory");
                File.WriteAllText(file, "x");
                options.Evidence.Path = Path.Combine(file, "evidence", "x.journal");
                break;
            case "no signing key":
                options.Evidence.SigningKeyPath = null;
                break;
            case "signing key file missing":
                options.Evidence.SigningKeyPath += ".missing";
                break;
            case "signing key not a private key":
                File.WriteAllText(options.Evidence.SigningKeyPath!, "-----BEGIN NOTHING-----\n-----END NOTHING-----\n");
                break;
            case "no origin":
                options.Evidence.Origin = " ";
                break;
            case "strict catalog without actions":
                options.Catalog.Strict = true;
                break;
            case "open exemption without justification":
                options.Catalog.Actions.Add(new GuardedActionOptions { Name = "report.send", FailOpen = true, ReviewBy = ReviewBy });
                break;
            case "open exemption without review date":
                options.Catalog.Actions.Add(new GuardedActionOptions { Name = "report.send", FailOpen = true, Justification = "Advisory only." });
                break;
            case "duplicate action names":
                options.Catalog.Actions.Add(new GuardedActionOptions { Name = "payments.send" });
                options.Catalog.Actions.Add(new GuardedActionOptions { Name = "payments.send" });
                break;
            case "action without a name":
                options.Catalog.Actions.Add(new GuardedActionOptions());
                break;
            case "signatures required without trusted keys":
                options.Policies.RequireSignatures = true;
                break;
            case "trusted key file missing":
                options.Policies.TrustedKeys["release"] = options.Evidence.SigningKeyPath + ".missing";
                break;
            case "trusted key is a private key":
                options.Policies.TrustedKeys["release"] = options.Evidence.SigningKeyPath!;
                break;
            case "previous signing key missing":
                options.Evidence.PreviousSigningKeys["old"] = options.Evidence.SigningKeyPath + ".missing";
                break;
            case "policy directory missing":
                options.Policies.Directory = options.Evidence.SigningKeyPath + ".missing";
                break;
            case "write timeout zero":
                options.Evidence.WriteTimeout = TimeSpan.Zero;
                break;
            case "checkpoint every zero records":
                options.Evidence.CheckpointEveryRecords = 0;
                break;
            case "slow append threshold zero":
                options.Health.SlowAppendThreshold = TimeSpan.Zero;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(problem), problem, "Unknown problem.");
        }
    }
}

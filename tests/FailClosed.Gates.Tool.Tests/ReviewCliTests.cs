using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;

namespace FailClosed.Gates.Tool.Tests;

/// <summary>Runs <c>fcgate review list|show</c> as a process against a queue file written by the executor.</summary>
public sealed class ReviewCliTests : IDisposable
{
    private const string KeyName = "audit.example.test/review";
    private const string Action = "invoice.pay-over-limit";
    private static readonly ECDsa s_key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fcgate-review-tests", Guid.NewGuid().ToString("N"));

    public ReviewCliTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(PublicKeyPath, s_key.ExportSubjectPublicKeyInfoPem());
    }

    private string QueuePath => Path.Combine(_dir, "review.queue");

    private string PublicKeyPath => Path.Combine(_dir, "key.pub.pem");

    private string KeyArg => $"{KeyName}={PublicKeyPath}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ReviewList_ShowsPendingAndApprovedTicketsAndExitsZero()
    {
        (string pending, string approved, string rejected) = await WriteQueueAsync();

        (int code, string output, string error) = Run("review", "list", QueuePath, "--key", KeyArg);

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains(pending + "  Pending", output, StringComparison.Ordinal);
        Assert.Contains(approved + "  Approved", output, StringComparison.Ordinal);
        Assert.DoesNotContain(rejected, output, StringComparison.Ordinal);
        Assert.Contains("2 of 3 tickets", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewListAll_ShowsEveryTicket()
    {
        (_, _, string rejected) = await WriteQueueAsync();

        (int code, string output, _) = Run("review", "list", "--all", QueuePath, "--key", KeyArg);

        Assert.Equal(0, code);
        Assert.Contains(rejected + "  Rejected", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewShow_PrintsTheRequestAndEveryVote()
    {
        (_, string approved, _) = await WriteQueueAsync();

        (int code, string output, _) = Run("review", "show", QueuePath, approved, "--key", KeyArg);

        Assert.Equal(0, code);
        Assert.Contains("state       Approved", output, StringComparison.Ordinal);
        Assert.Contains("\"amount\":\"30000\"", output, StringComparison.Ordinal);
        Assert.Contains("approved by alice as finance", output, StringComparison.Ordinal);
        Assert.Contains("approved by bob as finance", output, StringComparison.Ordinal);
        Assert.Contains("requester   rita", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewShow_UnknownTicket_ExitsTwo()
    {
        await WriteQueueAsync();

        (int code, _, string error) = Run("review", "show", QueuePath, "nope", "--key", KeyArg);

        Assert.Equal(2, code);
        Assert.Contains("no ticket 'nope'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewList_TamperedQueue_ExitsOne()
    {
        await WriteQueueAsync();
        byte[] bytes = File.ReadAllBytes(QueuePath);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(QueuePath, bytes);

        (int code, string output, _) = Run("review", "list", QueuePath, "--key", KeyArg);

        Assert.Equal(1, code);
        Assert.StartsWith("BAD", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ReviewList_MissingQueue_ExitsThree()
    {
        (int code, _, string error) = Run("review", "list", QueuePath);

        Assert.Equal(3, code);
        Assert.Contains(QueuePath, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("review", "--help")]
    [InlineData("review", "list", "--help")]
    [InlineData("review", "show", "-h")]
    public void Help_ForTheReviewCommands_GoesToStandardOutputAndExitsZero(params string[] args)
    {
        (int code, string output, _) = Run(args);

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    private async Task<(string Pending, string Approved, string Rejected)> WriteQueueAsync()
    {
        await using FileReviewQueue queue = FileReviewQueue.Open(new FileEvidenceJournalOptions
        {
            Path = QueuePath,
            Origin = "audit.example.test/review",
            SigningKey = new CheckpointKey(KeyName, s_key),
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        });
        var executor = new EvidenceFirstExecutor(new InMemoryEvidenceSink(), new EvidenceFirstExecutorOptions
        {
            Catalog = ActionCatalog.CreateBuilder().RequireApproval(Action, ApprovalRule.Require(2, "finance")).Build(),
            ReviewQueue = queue,
            ReviewerDirectory = new InMemoryReviewerDirectory().Grant("alice", "finance").Grant("bob", "finance"),
        });
        var action = new GuardedAction<int>(Action, Gate.Allow<int>("ok"), static n => "invoice INV-" + n)
        {
            Requester = static _ => "rita",
            RequestFacts = static n => [new("amount", (n * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture))],
        };

        async Task<string> EscalateAsync(int n) =>
            (await executor.ExecuteAsync(action, n, static (_, _) => new ValueTask<int>(0))).ReviewTicket!.Id;

        string pending = await EscalateAsync(10);
        string approved = await EscalateAsync(30);
        string rejected = await EscalateAsync(50);
        await executor.ApproveAsync(approved, "alice");
        await executor.ApproveAsync(approved, "bob");
        await executor.RejectAsync(rejected, "alice");
        return (pending, approved, rejected);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        string? current = Environment.ProcessPath;
        var start = new ProcessStartInfo(current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string tool = typeof(ReviewCliTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(static a => a.Key == "ToolPath").Value!;
        start.ArgumentList.Add(tool);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.ReplaceLineEndings("\n"), error.GetAwaiter().GetResult().ReplaceLineEndings("\n"));
    }
}

using System.Security.Cryptography;
using System.Text.Json;

namespace FailClosed.Gates.Tool.Tests;

public sealed class CliTests : IDisposable
{
    private const string KeyName = "audit.example.test/tool";
    private static readonly ECDsa s_key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fcgate-tests", Guid.NewGuid().ToString("N"));

    public CliTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(PublicKeyPath, s_key.ExportSubjectPublicKeyInfoPem());
    }

    private string JournalPath => Path.Combine(_dir, "evidence.journal");

    private string PublicKeyPath => Path.Combine(_dir, "key.pub.pem");

    private string KeyArg => $"{KeyName}={PublicKeyPath}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Verify_IntactJournalWithKey_PrintsOkAndExitsZero()
    {
        await WriteJournalAsync(4);

        (int code, string output, _) = Run("verify", JournalPath, "--key", KeyArg);

        Assert.Equal(0, code);
        Assert.StartsWith("OK: 4 records", output, StringComparison.Ordinal);
        Assert.Contains("checkpoint at 4 verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WithoutKey_WarnsThatTheCheckpointWasNotChecked()
    {
        await WriteJournalAsync(1);

        (int code, string output, _) = Run("verify", JournalPath);

        Assert.Equal(0, code);
        Assert.Contains("warning", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_FlippedByte_NamesTheRecordAndExitsOne()
    {
        long[] ends = await WriteJournalAsync(3);
        byte[] bytes = File.ReadAllBytes(JournalPath);
        bytes[ends[1] + 50] ^= 0x10;
        File.WriteAllBytes(JournalPath, bytes);

        (int code, string output, _) = Run("verify", JournalPath, "--key", KeyArg);

        Assert.Equal(1, code);
        Assert.StartsWith("BAD: record 2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dump_PrintsOneJsonObjectPerRecord()
    {
        await WriteJournalAsync(3);

        (int code, string output, _) = Run("dump", JournalPath);

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, code);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument document = JsonDocument.Parse(lines[i]);
            Assert.Equal(i, document.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal($"corr-{i}", document.RootElement.GetProperty("executionId").GetString());
        }
    }

    [Fact]
    public async Task Prove_Record_PrintsAnInclusionProofThatVerifies()
    {
        await WriteJournalAsync(7);

        (int code, string output, _) = Run("prove", JournalPath, "5");

        Assert.Equal(0, code);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        var proof = new InclusionProof(
            root.GetProperty("leafIndex").GetInt64(),
            root.GetProperty("treeSize").GetInt64(),
            root.GetProperty("auditPath").EnumerateArray().Select(static e => e.GetString()!).ToArray());
        Assert.Equal(7, proof.TreeSize);
        Assert.True(EvidenceVerifier.VerifyInclusion(proof, root.GetProperty("leafHash").GetString()!, EvidenceVerifier.Verify(JournalPath, []).RootHash));
    }

    [Fact]
    public async Task Prove_Consistency_PrintsAProofThatVerifies()
    {
        await WriteJournalAsync(9);

        (int code, string output, _) = Run("prove", JournalPath, "--consistency", "3", "9");

        Assert.Equal(0, code);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        var proof = new ConsistencyProof(3, 9, root.GetProperty("proof").EnumerateArray().Select(static e => e.GetString()!).ToArray());
        Assert.True(EvidenceVerifier.VerifyConsistency(proof, root.GetProperty("firstRoot").GetString()!, root.GetProperty("secondRoot").GetString()!));
    }

    [Fact]
    public async Task Checkpoint_WithKey_PrintsTheNoteAndVerifies()
    {
        await WriteJournalAsync(2);

        (int code, string output, _) = Run("checkpoint", JournalPath, "--key", KeyArg);

        Assert.Equal(0, code);
        Assert.StartsWith("audit.example.test/log\n2\n", output, StringComparison.Ordinal);
        Assert.Contains("verified: 2 records", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_WrongKey_ExitsOne()
    {
        await WriteJournalAsync(2);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string otherPath = Path.Combine(_dir, "other.pem");
        File.WriteAllText(otherPath, other.ExportSubjectPublicKeyInfoPem());

        (int code, _, string error) = Run("checkpoint", JournalPath, "--key", $"{KeyName}={otherPath}");

        Assert.Equal(1, code);
        Assert.Contains("not signed by a trusted key", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate", "x")]
    [InlineData("verify")]
    [InlineData("prove", "j", "notanumber")]
    [InlineData("verify", "j", "--key", "no-equals-sign")]
    public void Run_BadArguments_ExitsTwo(params string[] args)
    {
        (int code, _, string error) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains("usage", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MissingJournal_ExitsOne()
    {
        (int code, _, string error) = Run("verify", Path.Combine(_dir, "nope.journal"));

        Assert.Equal(1, code);
        Assert.StartsWith("fcgate:", error, StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<long[]> WriteJournalAsync(int count)
    {
        var ends = new long[count];
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(new FileEvidenceJournalOptions
        {
            Path = JournalPath,
            Origin = "audit.example.test/log",
            SigningKey = new CheckpointKey(KeyName, s_key),
            CheckpointInterval = Timeout.InfiniteTimeSpan,
        });
        for (int i = 0; i < count; i++)
        {
            await journal.AppendAsync(new EvidenceRecord
            {
                Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, i, TimeSpan.Zero),
                Action = "payments.release",
                Kind = EvidenceKind.Intent,
                Verdict = Verdict.Allow,
                Code = GateCodes.Allowed,
                Gate = "release",
                ExecutionId = $"corr-{i}",
            });
            ends[i] = new FileInfo(JournalPath).Length;
        }

        return ends;
    }
}

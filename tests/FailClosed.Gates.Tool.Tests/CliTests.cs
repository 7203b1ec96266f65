using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using FailClosed.Gates.Testing;

namespace FailClosed.Gates.Tool.Tests;

/// <summary>Runs the built fcgate as a process, as a user or a script would, and checks its output and exit code.</summary>
public sealed class CliTests : IDisposable
{
    private const string KeyName = "audit.example.test/tool";
    private const string NewKeyName = "audit.example.test/tool-2027";
    private static readonly ECDsa s_key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa s_newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fcgate-tests", Guid.NewGuid().ToString("N"));

    public CliTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(PublicKeyPath, s_key.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(NewPublicKeyPath, s_newKey.ExportSubjectPublicKeyInfoPem());
    }

    private string JournalPath => Path.Combine(_dir, "evidence.journal");

    private string PublicKeyPath => Path.Combine(_dir, "key.pub.pem");

    private string NewPublicKeyPath => Path.Combine(_dir, "key-2027.pub.pem");

    private string KeyArg => $"{KeyName}={PublicKeyPath}";

    private string NewKeyArg => $"{NewKeyName}={NewPublicKeyPath}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Verify_IntactJournalWithKey_PrintsOkAndExitsZero()
    {
        await WriteJournalAsync(4);

        (int code, string output, string error) = Run("verify", JournalPath, "--key", KeyArg);

        Assert.Equal(0, code);
        Assert.StartsWith("OK: 4 records", output, StringComparison.Ordinal);
        Assert.Contains("checkpoint at 4 verified", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData("verify", "{journal}", "--key", "{key}")]
    [InlineData("verify", "--key", "{key}", "{journal}")]
    [InlineData("verify", "-k", "{key}", "{journal}")]
    [InlineData("verify", "--key={key}", "{journal}")]
    public async Task Verify_OptionsBeforeOrAfterTheJournal_SameResult(params string[] template)
    {
        await WriteJournalAsync(2);

        (int code, string output, _) = Run(template.Select(a => a.Replace("{journal}", JournalPath, StringComparison.Ordinal).Replace("{key}", KeyArg, StringComparison.Ordinal)).ToArray());

        Assert.Equal(0, code);
        Assert.StartsWith("OK: 2 records", output, StringComparison.Ordinal);
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
    public async Task Verify_AfterKeyRotation_AcceptsSeveralKeysAndTheOldCheckpoint()
    {
        await WriteJournalAsync(3);
        string oldCheckpoint = Path.Combine(_dir, "old.checkpoint");
        File.Copy(JournalPath + ".checkpoint", oldCheckpoint);
        await using (FileEvidenceJournal.Open(Options(new CheckpointKey(NewKeyName, s_newKey), previousKeys: [new CheckpointKey(KeyName, s_key)])))
        {
        }

        (int bothCode, string both, _) = Run("verify", JournalPath, "--key", KeyArg, "--key", NewKeyArg);
        (int oldOnlyCode, string oldOnly, _) = Run("verify", JournalPath, "--key", KeyArg);
        (int oldCheckpointCode, string old, _) = Run("verify", JournalPath, "--checkpoint", oldCheckpoint, "--key", KeyArg);

        Assert.Equal(0, bothCode);
        Assert.StartsWith("OK: 4 records", both, StringComparison.Ordinal);
        Assert.Equal(1, oldOnlyCode);
        Assert.Contains("not signed by a trusted key", oldOnly, StringComparison.Ordinal);
        Assert.Equal(0, oldCheckpointCode);
        Assert.Contains("checkpoint at 3 verified", old, StringComparison.Ordinal);
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
    public async Task Dump_TamperedRecord_PrintsTheRecordsBeforeItAndExitsOne()
    {
        long[] ends = await WriteJournalAsync(5);
        byte[] bytes = File.ReadAllBytes(JournalPath);
        bytes[ends[2] + 50] ^= 0x10;
        File.WriteAllBytes(JournalPath, bytes);

        (int code, string output, string error) = Run("dump", JournalPath);

        Assert.Equal(1, code);
        Assert.Equal(3, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"'{JournalPath}' has a bad record 3", error, StringComparison.Ordinal);
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

        (int code, string output, _) = Run("prove", "--consistency", "3", "9", JournalPath);

        Assert.Equal(0, code);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        var proof = new ConsistencyProof(3, 9, root.GetProperty("proof").EnumerateArray().Select(static e => e.GetString()!).ToArray());
        Assert.True(EvidenceVerifier.VerifyConsistency(proof, root.GetProperty("firstRoot").GetString()!, root.GetProperty("secondRoot").GetString()!));
    }

    [Fact]
    public async Task Prove_RecordBeyondTheJournal_SaysHowManyRecordsItHasAndExitsTwo()
    {
        await WriteJournalAsync(6);

        (int code, string output, string error) = Run("prove", JournalPath, "99");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains($"the journal '{JournalPath}' has 6 records, 0 to 5; there is no record 99", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_WithKey_PrintsTheNoteAndVerifies()
    {
        await WriteJournalAsync(2);

        (int code, string output, _) = Run("checkpoint", JournalPath, "--key", KeyArg);

        Assert.Equal(0, code);
        Assert.StartsWith("audit.example.test/log\n2\n", output, StringComparison.Ordinal);
        Assert.Contains($"verified: 2 records", output, StringComparison.Ordinal);
        Assert.Contains($"signed by '{KeyName}'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_SignedByTheRetiredKeyAfterARotation_ExitsOne()
    {
        await WriteJournalAsync(3);
        await using (FileEvidenceJournal.Open(Options(new CheckpointKey(NewKeyName, s_newKey), previousKeys: [new CheckpointKey(KeyName, s_key)])))
        {
        }

        (int honestCode, _, _) = Run("checkpoint", JournalPath, "--key", KeyArg, "--key", NewKeyArg);
        EvidenceVerification honest = EvidenceVerifier.Verify(JournalPath, [new CheckpointKey(NewKeyName, s_newKey)]);

        // Whoever still holds the retired private key re-signs the rotated tree, as they would after appending forgeries.
        File.WriteAllText(JournalPath + ".checkpoint", SignCheckpoint("audit.example.test/log", honest.TreeSize, Convert.FromHexString(honest.RootHash), new CheckpointKey(KeyName, s_key)).Note);
        (int code, string output, string error) = Run("checkpoint", JournalPath, "--key", KeyArg, "--key", NewKeyArg);

        Assert.Equal(0, honestCode);
        Assert.Equal(1, code);
        Assert.DoesNotContain("verified", output, StringComparison.Ordinal);
        Assert.Contains("does not verify against its journal", error, StringComparison.Ordinal);
        Assert.Contains("KeyRotation record 3", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_WrongKey_ExitsOne()
    {
        await WriteJournalAsync(2);

        (int code, _, string error) = Run("checkpoint", JournalPath, "--key", $"{KeyName}={NewPublicKeyPath}");

        Assert.Equal(1, code);
        Assert.Contains("not signed by a trusted key", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("verify", "--help")]
    [InlineData("verify", "-h")]
    [InlineData("dump", "--help")]
    [InlineData("prove", "-h")]
    [InlineData("prove", "--help")]
    [InlineData("checkpoint", "--help")]
    public void Help_ForTheToolAndEveryCommand_GoesToStandardOutputAndExitsZero(params string[] args)
    {
        (int code, string output, string error) = Run(args);

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains(args.Length == 1 ? "fcgate [command]" : $"fcgate {args[0]}", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Fact]
    public void Version_PrintsTheInformationalVersionAndExitsZero()
    {
        string expected = Assembly.LoadFrom(ToolPath()).GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        (int code, string output, _) = Run("--version");

        Assert.Equal(0, code);
        Assert.Equal(expected, output.Trim());
    }

    [Theory]
    [InlineData("frobnicate", "x")]
    [InlineData]
    [InlineData("verify")]
    [InlineData("verify", "j", "--frob")]
    [InlineData("prove", "j", "notanumber")]
    [InlineData("prove", "j")]
    [InlineData("prove", "j", "1", "--consistency", "1", "2")]
    [InlineData("verify", "j", "--key", "no-equals-sign")]
    public void Run_BadArguments_ExitsTwoWithAHint(params string[] args)
    {
        if (args.Length > 1 && args[1] == "j")
        {
            args[1] = JournalPath;
            File.WriteAllBytes(JournalPath, []);
        }

        (int code, string output, string error) = Run(args);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("fcgate: ", error, StringComparison.Ordinal);
        Assert.Contains("--help' for usage", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MissingJournal_ExitsThreeNamingIt()
    {
        string missing = Path.Combine(_dir, "nope.journal");

        (int code, _, string error) = Run("verify", missing);

        Assert.Equal(3, code);
        Assert.Contains($"the journal '{missing}' does not exist", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("dump")]
    [InlineData("prove")]
    public void Command_JournalIsADirectory_ExitsThreeSayingSo(string command)
    {
        (int code, _, string error) = Run(command == "prove" ? [command, _dir, "0"] : [command, _dir]);

        Assert.Equal(3, code);
        Assert.Contains($"the journal '{_dir}' is a directory, not a file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_KeyFileIsNotAPem_ExitsThreeNamingTheFile()
    {
        await WriteJournalAsync(1);
        string bad = Path.Combine(_dir, "bad.pem");
        File.WriteAllText(bad, "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n");

        (int code, _, string error) = Run("verify", JournalPath, "--key", $"{KeyName}={bad}");

        Assert.Equal(3, code);
        Assert.Contains($"the key file '{bad}' does not hold a PEM-encoded ECDSA P-256 key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_MissingKeyFile_ExitsThreeNamingTheFile()
    {
        await WriteJournalAsync(1);
        string missing = Path.Combine(_dir, "missing.pem");

        (int code, _, string error) = Run("verify", JournalPath, "--key", $"{KeyName}={missing}");

        Assert.Equal(3, code);
        Assert.Contains($"the key file '{missing}' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UnreadableJournalAsAnUnprivilegedUser_ExitsThree()
    {
        await WriteJournalAsync(1);
        UnprivilegedProcess.SetMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        UnprivilegedProcess.SetMode(Path.GetDirectoryName(_dir)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        UnprivilegedProcess.SetMode(JournalPath, UnixFileMode.None);

        (int code, _, string error) = UnprivilegedProcess.Run(ToolPath(), "verify", JournalPath);

        Assert.Equal(3, code);
        Assert.Contains(JournalPath, error, StringComparison.Ordinal);
        Assert.Contains("cannot be read", error, StringComparison.Ordinal);
    }

    private static string ToolPath()
    {
        string path = typeof(CliTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(static a => a.Key == "ToolPath").Value!;
        Assert.True(File.Exists(path), $"fcgate was not built at '{path}'.");
        return path;
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
        start.ArgumentList.Add(ToolPath());
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

    /// <summary>The journal's own signer (internal to the library), to forge a checkpoint with a key the test holds.</summary>
    private static EvidenceCheckpoint SignCheckpoint(string origin, long treeSize, byte[] root, CheckpointKey key) =>
        typeof(EvidenceVerifier).Assembly.GetType("FailClosed.Gates.CheckpointNote", throwOnError: true)!
            .GetMethod("Sign", BindingFlags.Public | BindingFlags.Static)!
            .CreateDelegate<CheckpointSigner>()(origin, treeSize, root, key);

    private delegate EvidenceCheckpoint CheckpointSigner(string origin, long treeSize, ReadOnlySpan<byte> root, CheckpointKey key);

    private FileEvidenceJournalOptions Options(CheckpointKey key, IReadOnlyList<CheckpointKey>? previousKeys = null) => new()
    {
        Path = JournalPath,
        Origin = "audit.example.test/log",
        SigningKey = key,
        PreviousKeys = previousKeys ?? [],
        CheckpointInterval = Timeout.InfiniteTimeSpan,
    };

    private async Task<long[]> WriteJournalAsync(int count)
    {
        var ends = new long[count];
        await using FileEvidenceJournal journal = FileEvidenceJournal.Open(Options(new CheckpointKey(KeyName, s_key)));
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

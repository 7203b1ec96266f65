using System.Security.Cryptography;
using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Policies;

public sealed class FilePolicySourceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fcg-policies-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task TryLoadAsync_NameVersionFile_ReturnsItsBytes()
    {
        Write(PolicyTestData.Name, PolicyTestData.Version, PolicyTestData.Policy);
        var source = new FilePolicySource(_root);

        PolicyArtifact? artifact = await source.TryLoadAsync(PolicyTestData.Pin, CancellationToken.None);

        Assert.NotNull(artifact);
        Assert.Equal(PolicyTestData.Policy, artifact.Content.ToArray());
        Assert.Null(artifact.Signature);
        Assert.Equal(Path.Combine(_root, PolicyTestData.Name, PolicyTestData.Version + ".policy"), source.GetArtifactPath(PolicyTestData.Pin));
    }

    [Fact]
    public async Task TryLoadAsync_WithSigFile_ReturnsTheSignature()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        PolicySignature signature = PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key);
        string path = Write(PolicyTestData.Name, PolicyTestData.Version, PolicyTestData.Policy);
        await File.WriteAllTextAsync(path + ".sig", signature.ToString());

        PolicyArtifact? artifact = await new FilePolicySource(_root).TryLoadAsync(PolicyTestData.Pin, CancellationToken.None);

        Assert.NotNull(artifact?.Signature);
        Assert.Equal(PolicyTestData.KeyId, artifact.Signature.KeyId);
        Assert.True(signature.Value.Span.SequenceEqual(artifact.Signature.Value.Span));
    }

    [Fact]
    public async Task TryLoadAsync_MalformedSigFile_ThrowsInvalidData()
    {
        string path = Write(PolicyTestData.Name, PolicyTestData.Version, PolicyTestData.Policy);
        await File.WriteAllTextAsync(path + ".sig", "garbage");

        var exception = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await new FilePolicySource(_root).TryLoadAsync(PolicyTestData.Pin, CancellationToken.None));

        Assert.Contains("malformed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryLoadAsync_NoDirectory_ReturnsNull()
    {
        Assert.Null(await new FilePolicySource(_root).TryLoadAsync(PolicyTestData.Pin, CancellationToken.None));
    }

    [Fact]
    public async Task TryLoadAsync_OnlyOtherVersionsOnDisk_ReturnsNullAndNeverSubstitutes()
    {
        Write(PolicyTestData.Name, "2", PolicyTestData.Policy);
        Write(PolicyTestData.Name, "4", PolicyTestData.Policy);
        Write(PolicyTestData.Name, "latest", PolicyTestData.Policy);

        Assert.Null(await new FilePolicySource(_root).TryLoadAsync(PolicyTestData.Pin, CancellationToken.None));
    }

    [Fact]
    public async Task TryLoadAsync_LargerThanTheLimit_ThrowsInvalidData()
    {
        Write(PolicyTestData.Name, PolicyTestData.Version, PolicyTestData.Policy);
        var source = new FilePolicySource(_root, maxArtifactBytes: 10);

        var exception = await Assert.ThrowsAsync<InvalidDataException>(async () => await source.TryLoadAsync(PolicyTestData.Pin, CancellationToken.None));

        Assert.Contains("at most 10", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PinnedGate_HalfWrittenFile_IsDigestMismatch_ThenTheFinishedFileLoads()
    {
        string path = Write(PolicyTestData.Name, PolicyTestData.Version, PolicyTestData.Policy[..(PolicyTestData.Policy.Length / 2)]);
        Gate<PaymentRequest> gate = PolicyTestData.PinnedGate(new FilePolicySource(_root));

        GateDecision halfWritten = await gate.EvaluateAsync(PolicyTestData.Allowed);
        await File.WriteAllBytesAsync(path, PolicyTestData.Policy);
        GateDecision finished = await gate.EvaluateAsync(PolicyTestData.Allowed);

        Assert.Equal(GateCodes.PolicyDigestMismatch, halfWritten.Code);
        Assert.True(finished.IsAllowed);
        Assert.Equal(PolicyTestData.Pin, finished.Pin);
    }

    [Fact]
    public async Task PinnedGate_SignedFilesOnDisk_VerifyAndAllow()
    {
        using ECDsa key = PolicyTestData.CreateKey();
        string path = Write(PolicyTestData.Name, PolicyTestData.Version, PolicyTestData.Policy);
        await File.WriteAllTextAsync(path + ".sig", PolicySignature.Sign(PolicyTestData.KeyId, PolicyTestData.Policy, key).ToString());
        PolicyVerification verification = PolicyVerification.RequireSignature(PolicyTestData.TrustStoreFor(key));

        GateDecision decision = await PolicyTestData.PinnedGate(new FilePolicySource(_root), verification).EvaluateAsync(PolicyTestData.Allowed);

        Assert.True(decision.IsAllowed);
    }

    [Fact]
    public void GetArtifactPath_DefaultPin_Throws()
    {
        Assert.Throws<ArgumentException>(() => new FilePolicySource(_root).GetArtifactPath(default));
    }

    [Theory]
    [InlineData("..", "1")]
    [InlineData("p", "../../etc/passwd")]
    [InlineData("/etc", "1")]
    [InlineData("p", "..\\..\\secret")]
    public void Pin_TraversalNames_CannotBeMadeAtAll(string name, string version)
    {
        // A pin that could name a path outside the root cannot be constructed, so no source ever sees one.
        Assert.Throws<ArgumentException>(() => new PolicyPin(name, version, PolicyTestData.Pin.Sha256));
        Assert.Throws<ArgumentException>(() => PolicyPin.FromContent(name, version, PolicyTestData.Policy));
        Assert.False(PolicyPin.TryParse($"{name}@{version}#sha256:{PolicyTestData.Pin.Sha256}", out _));
    }

    [Fact]
    public void Constructor_EmptyRoot_Throws()
    {
        Assert.Throws<ArgumentException>(() => new FilePolicySource(" "));
    }

    private string Write(string name, string version, byte[] content)
    {
        string directory = Path.Combine(_root, name);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, version + ".policy");
        File.WriteAllBytes(path, content);
        return path;
    }
}

using FailClosed.Gates.Tests.TestUtilities;

namespace FailClosed.Gates.Tests.Policies;

public sealed class InMemoryPolicySourceTests
{
    [Fact]
    public async Task TryLoadAsync_PublishedPin_ReturnsItsBytesAndSignature()
    {
        var signature = new PolicySignature("k", [1, 2, 3]);
        var source = new InMemoryPolicySource();
        PolicyPin pin = source.Publish(PolicyTestData.Name, PolicyTestData.Version, PolicyTestData.Policy, signature);

        PolicyArtifact? artifact = await source.TryLoadAsync(pin, CancellationToken.None);

        Assert.NotNull(artifact);
        Assert.Equal(PolicyTestData.Pin, pin);
        Assert.Equal(pin, artifact.Pin);
        Assert.Equal(PolicyTestData.Policy, artifact.Content.ToArray());
        Assert.Same(signature, artifact.Signature);
    }

    [Fact]
    public async Task TryLoadAsync_OnlyAnotherVersionPublished_ReturnsNull()
    {
        var source = new InMemoryPolicySource();
        source.Publish(PolicyTestData.Name, "4", PolicyTestData.Policy);

        Assert.Null(await source.TryLoadAsync(PolicyTestData.Pin, CancellationToken.None));
    }

    [Fact]
    public async Task Remove_ThenLoad_ReturnsNull()
    {
        InMemoryPolicySource source = PolicyTestData.SourceWithPolicy();

        Assert.True(source.Remove(PolicyTestData.Name, PolicyTestData.Version));
        Assert.False(source.Remove(PolicyTestData.Name, PolicyTestData.Version));
        Assert.Null(await source.TryLoadAsync(PolicyTestData.Pin, CancellationToken.None));
    }

    [Fact]
    public async Task Publish_CopiesTheBytes()
    {
        var source = new InMemoryPolicySource();
        byte[] content = (byte[])PolicyTestData.Policy.Clone();
        PolicyPin pin = source.Publish("p", "1", content);
        content[0] ^= 1;

        PolicyArtifact artifact = (await source.TryLoadAsync(pin, CancellationToken.None))!;

        Assert.True(pin.IsDigestOf(artifact.Content.Span));
    }

    [Fact]
    public void Publish_TraversalName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new InMemoryPolicySource().Publish("..", "1", PolicyTestData.Policy));
    }

    [Fact]
    public async Task TryLoadAsync_DefaultPin_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await new InMemoryPolicySource().TryLoadAsync(default, CancellationToken.None));
    }
}

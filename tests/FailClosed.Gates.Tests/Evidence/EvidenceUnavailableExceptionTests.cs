namespace FailClosed.Gates.Tests.Evidence;

public sealed class EvidenceUnavailableExceptionTests
{
    [Fact]
    public void Constructor_Message_DefaultsToEvidenceUnavailable()
    {
        Assert.Equal(GateCodes.EvidenceUnavailable, new EvidenceUnavailableException("m").Code);
    }

    [Fact]
    public void Constructor_Code_KeepsIt()
    {
        var inner = new IOException("disk");
        var exception = new EvidenceUnavailableException(GateCodes.EvidenceTampered, "m", inner);

        Assert.Equal(GateCodes.EvidenceTampered, exception.Code);
        Assert.Same(inner, exception.InnerException);
    }

    [Fact]
    public void Constructor_EmptyCode_Throws()
    {
        Assert.Throws<ArgumentException>(() => new EvidenceUnavailableException(string.Empty, "m"));
    }
}

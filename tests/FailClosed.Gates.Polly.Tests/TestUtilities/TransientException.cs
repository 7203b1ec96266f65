namespace FailClosed.Gates.Polly.Tests.TestUtilities;

/// <summary>A transient failure the tests' retry strategies are asked to handle.</summary>
internal sealed class TransientException : Exception
{
    public TransientException()
        : base("The downstream service is briefly unavailable.")
    {
    }

    public TransientException(string message)
        : base(message)
    {
    }

    public TransientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

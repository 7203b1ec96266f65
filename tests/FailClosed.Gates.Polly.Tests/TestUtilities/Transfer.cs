namespace FailClosed.Gates.Polly.Tests.TestUtilities;

/// <summary>The value the tests' gates judge.</summary>
internal sealed record Transfer(string Id, decimal Amount);

namespace FailClosed.Gates.AspNetCore.Tests.TestUtilities;

/// <summary>The request body of the test endpoints, and the value their gates judge.</summary>
public sealed record Payment(string Id, decimal Amount);

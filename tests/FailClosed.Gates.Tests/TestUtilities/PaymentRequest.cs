namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>The context judged by the example role-limit policy: who asks to release how much.</summary>
public sealed record PaymentRequest(string Role, decimal Amount);

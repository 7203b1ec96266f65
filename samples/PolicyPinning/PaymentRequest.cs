namespace FailClosed.Gates.Samples.PolicyPinning;

/// <summary>The context judged by the example role-limit policy: who asks to release how much.</summary>
internal sealed record PaymentRequest(string Role, decimal Amount);

namespace FailClosed.Gates.Samples.GatedEndpoints;

/// <summary>The body of <c>POST /payments</c>, and the value the payment gate judges.</summary>
/// <param name="Id">The payment id.</param>
/// <param name="Amount">The amount, in euros.</param>
/// <param name="Beneficiary">Who is paid.</param>
public sealed record PaymentRequest(string Id, decimal Amount, string Beneficiary);

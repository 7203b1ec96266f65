namespace FailClosed.Gates.Samples.TwoPersonApproval;

/// <summary>A payment of an invoice, asked for by an authenticated user.</summary>
internal sealed record Payment(string InvoiceId, decimal Amount, string Payee, string RequestedBy);

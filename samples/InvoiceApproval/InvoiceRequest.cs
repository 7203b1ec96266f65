using System.Globalization;

namespace FailClosed.Gates.Samples.InvoiceApproval;

/// <summary>Who asks to do what to which invoice.</summary>
internal sealed record InvoiceRequest(string Actor, string Role, string InvoiceId, decimal Amount)
{
    /// <summary>What goes into evidence: ids and the amount, never bank details or free text.</summary>
    public static string? Describe(InvoiceRequest request) =>
        string.Create(
            CultureInfo.InvariantCulture, $"{request.InvoiceId} {request.Amount:0.00} requested by {request.Actor} ({request.Role})");
}

using System.Text.Json;

namespace FailClosed.Gates.Samples.InvoiceApproval;

/// <summary>
/// The rule language of this sample: which roles may approve a payment, and up to which amount.
/// </summary>
/// <remarks>
/// <code>{"approverRoles":["finance-manager"],"maxAmount":50000}</code>
/// Read strictly: an unknown property, a missing one or a wrong type throws, and a pinned gate turns that into
/// <see cref="GateCodes.PolicyInvalid"/> — a policy read leniently is a policy that means something else.
/// </remarks>
internal static class ApprovalPolicy
{
    public static Gate<InvoiceRequest> Compile(PolicyArtifact artifact)
    {
        using JsonDocument document = JsonDocument.Parse(artifact.Content);
        JsonElement root = document.RootElement;
        string[] roles = [];
        decimal? maxAmount = null;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "approverRoles":
                    roles = property.Value.EnumerateArray().Select(static r => r.GetString() ?? throw new FormatException("A role must be a string.")).ToArray();
                    break;
                case "maxAmount":
                    maxAmount = property.Value.GetDecimal();
                    break;
                default:
                    throw new FormatException($"The approval policy has an unknown property '{property.Name}'.");
            }
        }

        if (roles.Length == 0 || maxAmount is not { } limit)
        {
            throw new FormatException("The approval policy needs 'approverRoles' (non-empty) and 'maxAmount'.");
        }

        string name = $"{artifact.Pin.Name}@{artifact.Pin.Version}";
        return Gate.All(
            name,
            Gate.Require<InvoiceRequest>($"{name}:approver-role", r => roles.Contains(r.Role)),
            Gate.Require<InvoiceRequest>($"{name}:max-amount", r => r.Amount <= limit));
    }
}

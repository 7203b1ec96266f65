using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace FailClosed.Gates.Samples.PolicyPinning;

/// <summary>
/// An example policy compiler: a JSON allow-list of roles, each with the largest amount it may release.
/// </summary>
/// <remarks>
/// The format is strict, because a policy that is read leniently is a policy that means something else:
/// <code>
/// { "roles": [ { "role": "clerk", "maxAmount": 1000 }, { "role": "treasurer", "maxAmount": 250000 } ] }
/// </code>
/// Unknown or repeated properties, a repeated role, an empty role, a negative or non-numeric limit, comments and
/// trailing commas all throw <see cref="FormatException"/>; a pinned gate turns that into
/// <see cref="GateCodes.PolicyInvalid"/>.
/// </remarks>
internal static class RoleLimitPolicyCompiler
{
    /// <summary>Compiles a verified artifact into a gate named <c>name@version</c>.</summary>
    public static Gate<PaymentRequest> Compile(PolicyArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return Compile($"{artifact.Pin.Name}@{artifact.Pin.Version}", artifact.Content);
    }

    /// <summary>Compiles policy bytes into a gate with the given name.</summary>
    public static Gate<PaymentRequest> Compile(string name, ReadOnlyMemory<byte> content)
    {
        using JsonDocument document = ParseDocument(content);
        JsonElement root = document.RootElement;
        RequireObject(root, "The policy");
        JsonElement roles = RequireOnly(root, "The policy", "roles")[0];
        if (roles.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"The policy's 'roles' must be an array, not {roles.ValueKind}.");
        }

        var limits = new Dictionary<string, decimal>(StringComparer.Ordinal);
        int index = 0;
        foreach (JsonElement entry in roles.EnumerateArray())
        {
            string where = string.Create(CultureInfo.InvariantCulture, $"Role entry {index}");
            RequireObject(entry, where);
            JsonElement[] values = RequireOnly(entry, where, "role", "maxAmount");
            string role = values[0].ValueKind == JsonValueKind.String ? values[0].GetString()! : string.Empty;
            if (role.Length == 0)
            {
                throw new FormatException($"{where} needs a non-empty string 'role'.");
            }

            if (values[1].ValueKind != JsonValueKind.Number || !values[1].TryGetDecimal(out decimal maxAmount) || maxAmount < 0)
            {
                throw new FormatException($"{where} ('{role}') needs a 'maxAmount' that is a number of zero or more.");
            }

            if (!limits.TryAdd(role, maxAmount))
            {
                throw new FormatException($"{where} repeats the role '{role}'; each role may appear once.");
            }

            index++;
        }

        if (limits.Count == 0)
        {
            throw new FormatException("The policy allows no role; an empty allow-list is almost certainly a mistake, so it is refused.");
        }

        return new RoleLimitGate(name, limits.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static JsonDocument ParseDocument(ReadOnlyMemory<byte> content)
    {
        try
        {
            return JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException exception)
        {
            throw new FormatException($"The policy is not valid JSON: {exception.Message}", exception);
        }
    }

    private static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{what} must be a JSON object, not {element.ValueKind}.");
        }
    }

    private static JsonElement[] RequireOnly(JsonElement element, string what, params string[] names)
    {
        var values = new JsonElement[names.Length];
        var seen = new bool[names.Length];
        foreach (JsonProperty property in element.EnumerateObject())
        {
            int at = Array.IndexOf(names, property.Name);
            if (at < 0)
            {
                throw new FormatException($"{what} has the unknown property '{property.Name}'; only {string.Join(", ", names)} are allowed.");
            }

            if (seen[at])
            {
                throw new FormatException($"{what} repeats the property '{property.Name}'.");
            }

            seen[at] = true;
            values[at] = property.Value;
        }

        for (int i = 0; i < names.Length; i++)
        {
            if (!seen[i])
            {
                throw new FormatException($"{what} lacks the property '{names[i]}'.");
            }
        }

        return values;
    }
}

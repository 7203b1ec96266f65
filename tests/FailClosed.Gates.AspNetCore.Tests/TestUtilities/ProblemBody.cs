using System.Text.Json;

namespace FailClosed.Gates.AspNetCore.Tests.TestUtilities;

/// <summary>The parsed body of a problem details response.</summary>
internal sealed class ProblemBody
{
    private ProblemBody(string text, JsonElement root)
    {
        Text = text;
        Root = root;
    }

    public string Text { get; }

    public JsonElement Root { get; }

    public string? this[string member] => Root.TryGetProperty(member, out JsonElement value)
        ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
        : null;

    public bool Has(string member) => Root.TryGetProperty(member, out _);

    public static async Task<ProblemBody> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return new ProblemBody(text, document.RootElement.Clone());
    }
}

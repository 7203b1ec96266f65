using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FailClosed.Gates;

/// <summary>
/// The context of one tool invocation by an agent: the tool, its arguments in canonical form with their digest, the
/// call id and the verified caller. Evidence and review requests carry <see cref="Describe"/>, which holds the
/// digest of the arguments, never the arguments, and not the call id.
/// </summary>
public sealed class ToolCall
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoArguments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>Creates the context of a tool invocation.</summary>
    /// <param name="toolName">The tool's name.</param>
    /// <param name="arguments">The arguments as JSON values; <see langword="null"/> for none.</param>
    /// <param name="caller">The verified caller, or <see langword="null"/> when none was presented.</param>
    /// <param name="callId">The call id the model or the protocol gave the invocation, if any.</param>
    /// <remarks>
    /// Arguments that cannot be read unambiguously (a JSON object naming a property twice) make the call malformed:
    /// <see cref="MalformedReason"/> says why, and the digest is taken over the arguments as received.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="toolName"/> is null, empty or white space.</exception>
    public ToolCall(string toolName, IReadOnlyDictionary<string, JsonElement>? arguments, VerifiedIdentity? caller, string? callId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toolName);
        ToolName = toolName;
        Arguments = arguments ?? NoArguments;
        Caller = caller;
        CallId = callId;
        byte[] canonical;
        try
        {
            canonical = Canonicalize(Arguments, sorted: true);
        }
        catch (FormatException exception)
        {
            MalformedReason = exception.Message;
            canonical = Canonicalize(Arguments, sorted: false);
        }

        CanonicalArguments = Encoding.UTF8.GetString(canonical);
        ArgumentsDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    private ToolCall(string toolName, VerifiedIdentity? caller, string? callId, string malformedReason)
        : this(toolName, null, caller, callId)
    {
        MalformedReason = malformedReason;
    }

    /// <summary>Gets the tool's name.</summary>
    public string ToolName { get; }

    /// <summary>Gets the arguments as received.</summary>
    public IReadOnlyDictionary<string, JsonElement> Arguments { get; }

    /// <summary>Gets the arguments as one canonical JSON object: property names sorted by ordinal at every depth, no white space.</summary>
    public string CanonicalArguments { get; }

    /// <summary>Gets the SHA-256 digest of <see cref="CanonicalArguments"/> as <c>sha256:</c> and lower-case hex.</summary>
    public string ArgumentsDigest { get; }

    /// <summary>Gets the verified caller, or <see langword="null"/> when none was presented.</summary>
    public VerifiedIdentity? Caller { get; }

    /// <summary>Gets the call id, or <see langword="null"/>.</summary>
    /// <remarks>
    /// A correlation value the model or the protocol picks for one turn; it is not part of <see cref="Describe"/>, so it
    /// never enters a review ticket's request digest: an approval binds the tool, the caller and the arguments, and holds
    /// when the same call comes back under a new call id.
    /// </remarks>
    public string? CallId { get; }

    /// <summary>Gets why the arguments could not be read unambiguously, or <see langword="null"/> when they could.</summary>
    public string? MalformedReason { get; }

    /// <summary>Gets whether the arguments were read unambiguously; a malformed call must be blocked with <see cref="GateCodes.Malformed"/>.</summary>
    public bool IsWellFormed => MalformedReason is null;

    /// <summary>Creates the context of an invocation whose arguments could not be read at all; it carries no arguments and is malformed.</summary>
    /// <param name="toolName">The tool's name.</param>
    /// <param name="caller">The verified caller, or <see langword="null"/>.</param>
    /// <param name="callId">The call id, if any.</param>
    /// <param name="reason">Why the arguments could not be read; no argument values.</param>
    /// <returns>A malformed call.</returns>
    /// <exception cref="ArgumentException"><paramref name="toolName"/> or <paramref name="reason"/> is null, empty or white space.</exception>
    public static ToolCall Unreadable(string toolName, VerifiedIdentity? caller, string? callId, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new ToolCall(toolName, caller, callId, reason);
    }

    /// <summary>Returns the argument named <paramref name="name"/>.</summary>
    /// <param name="name">The argument's name.</param>
    /// <param name="value">The argument, when present.</param>
    /// <returns>Whether the argument is present.</returns>
    public bool TryGetArgument(string name, out JsonElement value) => Arguments.TryGetValue(name, out value);

    /// <summary>
    /// Describes the call for evidence and review: tool, caller and argument digest; never the arguments. It is the
    /// subject of every record and part of a review ticket's request digest, so it holds only what an approval binds:
    /// not the call id, which changes each time a model re-issues the same call.
    /// </summary>
    /// <returns>For example <c>tool=approve_payment caller=agent-7 args=sha256:…</c>.</returns>
    public string Describe() =>
        "tool=" + ToolName
        + " caller=" + (Caller?.Subject ?? "(none)")
        + " args=" + ArgumentsDigest;

    /// <inheritdoc />
    public override string ToString() => Describe();

    private static byte[] Canonicalize(IReadOnlyDictionary<string, JsonElement> arguments, bool sorted)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            string[] names = [.. arguments.Keys];
            Array.Sort(names, StringComparer.Ordinal);
            foreach (string name in names)
            {
                writer.WritePropertyName(name);
                if (sorted)
                {
                    Write(writer, arguments[name]);
                }
                else if (arguments[name].ValueKind == JsonValueKind.Undefined)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    arguments[name].WriteTo(writer); // as received: the digest still binds the exact arguments
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new List<JsonProperty>();
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    properties.Add(property);
                }

                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                for (int i = 0; i < properties.Count; i++)
                {
                    if (i > 0 && string.Equals(properties[i - 1].Name, properties[i].Name, StringComparison.Ordinal))
                    {
                        throw new FormatException("The tool arguments name the property '" + properties[i].Name + "' twice in one object, so which value counts is ambiguous.");
                    }

                    writer.WritePropertyName(properties[i].Name);
                    Write(writer, properties[i].Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Undefined:
                writer.WriteNullValue();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}

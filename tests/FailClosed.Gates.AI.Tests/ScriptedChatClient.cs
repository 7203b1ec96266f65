using Microsoft.Extensions.AI;

namespace FailClosed.Gates.AI.Tests;

/// <summary>
/// A chat client that plays a model from a script: each request gets the next scripted response. It records what it was
/// sent, so a test can read the tool results the model would have seen. No model, no network.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<ChatResponse> _script;

    public ScriptedChatClient(params ChatResponse[] script)
    {
        _script = new Queue<ChatResponse>(script);
    }

    public List<List<ChatMessage>> Requests { get; } = [];

    public static ChatResponse Calls(params FunctionCallContent[] calls) => new(new ChatMessage(ChatRole.Assistant, [.. calls]));

    public static ChatResponse Says(string text) => new(new ChatMessage(ChatRole.Assistant, text));

    /// <summary>Returns the result the model was sent for <paramref name="callId"/> in the latest request.</summary>
    public object? ResultFor(string callId) =>
        Requests[^1].SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single(r => r.CallId == callId).Result;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Requests.Add([.. messages]);
        return Task.FromResult(_script.Count > 0 ? _script.Dequeue() : Says("(script ended)"));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The scripted client answers non-streaming requests only.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

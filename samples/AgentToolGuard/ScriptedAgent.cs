using Microsoft.Extensions.AI;

namespace FailClosed.Gates.Samples.AgentToolGuard;

/// <summary>
/// Plays the model of an accounts-payable agent from a script (no model download, no network): in its first turn it
/// asks for the scripted tool calls, in its second it reads the results it was sent and says the scripted summary. It
/// prints what it asks for and what it reads.
/// </summary>
internal sealed class ScriptedAgent : IChatClient
{
    private readonly FunctionCallContent[] _calls;
    private readonly string _summary;
    private int _turn;

    public ScriptedAgent(string summary, params FunctionCallContent[] calls)
    {
        _summary = summary;
        _calls = calls;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        _turn++;
        if (_turn == 1)
        {
            foreach (FunctionCallContent call in _calls)
            {
                Console.WriteLine($"  model asks : {call.Name} {Arguments(call)}  (call {call.CallId})");
            }

            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [.. _calls])));
        }

        foreach (FunctionResultContent result in messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>())
        {
            Console.WriteLine($"  model reads: {result.CallId} -> {result.Result}");
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, _summary)));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This scripted agent answers non-streaming requests only.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static string Arguments(FunctionCallContent call) =>
        "{" + string.Join(", ", (call.Arguments ?? new Dictionary<string, object?>()).Select(a => a.Key + ": " + a.Value)) + "}";
}

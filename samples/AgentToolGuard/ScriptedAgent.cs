using Microsoft.Extensions.AI;

namespace FailClosed.Gates.Samples.AgentToolGuard;

/// <summary>
/// Plays the model of an accounts-payable agent from a script (no model download, no network): it asks for tools, then
/// reads the results it was sent and sums them up. It prints what it asks for and what it reads.
/// </summary>
internal sealed class ScriptedAgent : IChatClient
{
    private int _turn;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        _turn++;
        if (_turn == 1)
        {
            FunctionCallContent[] calls =
            [
                new("call-1", "read_invoice", new Dictionary<string, object?> { ["invoiceId"] = "INV-1042" }),
                new("call-2", "approve_payment", new Dictionary<string, object?> { ["invoiceId"] = "INV-1042", ["amount"] = 4200m }),
                new("call-3", "delete_invoices", new Dictionary<string, object?> { ["olderThanDays"] = 0 }),
                new("call-4", "check_vendor_risk", new Dictionary<string, object?> { ["vendor"] = "Globex" }),
            ];
            foreach (FunctionCallContent call in calls)
            {
                Console.WriteLine($"  model asks : {call.Name}  (call {call.CallId})");
            }

            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [.. calls])));
        }

        foreach (FunctionResultContent result in messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>())
        {
            Console.WriteLine($"  model reads: {result.CallId} -> {result.Result}");
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "I read INV-1042; the payment and the risk check need a person.")));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This scripted agent answers non-streaming requests only.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

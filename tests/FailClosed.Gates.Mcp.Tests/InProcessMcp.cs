using System.IO.Pipelines;
using System.Security.Claims;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace FailClosed.Gates.Mcp.Tests;

/// <summary>
/// An MCP server and client in one process, connected by two pipes (the way the SDK's own tests connect them). An
/// incoming message filter stamps the user a transport's authentication would have set.
/// </summary>
internal sealed class InProcessMcp : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly McpServer _server;
    private readonly Task _running;

    private InProcessMcp(McpServer server, McpClient client)
    {
        _server = server;
        Client = client;
        _running = server.RunAsync(_stop.Token);
    }

    public McpClient Client { get; private set; }

    public static async Task<InProcessMcp> StartAsync(McpServerOptions options, Func<ClaimsPrincipal?> user)
    {
        options.Filters.Message.IncomingFilters.Add(next => (context, cancellationToken) =>
        {
            context.User = user();
            return next(context, cancellationToken);
        });
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        McpServer server = McpServer.Create(new StreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream(), "invoices"), options);
        var host = new InProcessMcp(server, null!);
        host.Client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()));
        return host;
    }

    public static ClaimsPrincipal Workload(string subject, DateTimeOffset expiresAt, string issuer = "https://issuer.example") =>
        new(new ClaimsIdentity(
            [
                new Claim("sub", subject, ClaimValueTypes.String, issuer),
                new Claim("exp", expiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer64, issuer),
            ],
            authenticationType: "Bearer"));

    public static string TextOf(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        await _server.DisposeAsync();
        _stop.Dispose();
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FailClosed.Gates.AspNetCore.Tests.TestUtilities;

/// <summary>A real ASP.NET Core pipeline in memory (TestServer): authentication, authorization and gated endpoints
/// over one executor and an in-memory evidence sink.</summary>
internal sealed class GatedApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatedApp(WebApplication app, SwitchableEvidenceSink sink, CapturingLoggerProvider logs)
    {
        _app = app;
        Sink = sink;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public SwitchableEvidenceSink Sink { get; }

    public CapturingLoggerProvider Logs { get; }

    public IReadOnlyList<EvidenceKind> Kinds => [.. Sink.Records.Select(static r => r.Kind)];

    public static async Task<GatedApp> StartAsync(
        Action<WebApplication> map,
        Action<IServiceCollection>? configureServices = null,
        ActionCatalog? catalog = null,
        IReviewQueue? reviewQueue = null,
        bool registerExecutor = true)
    {
        var sink = new SwitchableEvidenceSink();
        var logs = new CapturingLoggerProvider();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(logs);
        if (registerExecutor)
        {
            builder.Services.AddSingleton(new EvidenceFirstExecutor(
                sink,
                new EvidenceFirstExecutorOptions { Catalog = catalog ?? ActionCatalog.Empty, ReviewQueue = reviewQueue }));
        }

        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        configureServices?.Invoke(builder.Services);

        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        map(app);
        await app.StartAsync();
        return new GatedApp(app, sink, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}

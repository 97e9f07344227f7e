using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Benchmark.Measuring;

/// <summary>The receiver every provider's webhook goes to under <c>--delivery</c>: Kestrel on loopback, answering 200 and counting.</summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _received;

    private WebhookSink(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public long Received => Interlocked.Read(ref _received);

    public static async Task<WebhookSink> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.MapPost("/hooks", async (HttpContext http) =>
        {
            await http.Request.Body.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref sink._received);
            return Results.Ok();
        });
        await app.StartAsync();
        sink.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/hooks";
        return sink;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

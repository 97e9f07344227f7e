using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver (Kestrel on loopback) for webhooks. Each test takes endpoints of its own
/// (<see cref="NewEndpoint"/>), scripts their answers and reads what arrived. Signatures are checked
/// here with HMAC-SHA256 written from the Standard Webhooks spec, not with the library the sender uses.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ReceiverEndpoint> _endpoints = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<WebhookReceiver> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{name}", receiver.Receive);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return receiver;
    }

    public ReceiverEndpoint NewEndpoint() => Endpoint(Guid.NewGuid().ToString("N"));

    /// <summary>The endpoint of that name (made on first use), e.g. a sink configured before the cluster starts.</summary>
    public ReceiverEndpoint Endpoint(string name) => _endpoints.GetOrAdd(name, n => new ReceiverEndpoint($"{BaseUrl}/hooks/{n}"));

    private async Task<IResult> Receive(HttpContext http, string name)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (!_endpoints.TryGetValue(name, out var endpoint))
        {
            return Results.NotFound();
        }
        var received = new ReceivedWebhook(
            http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
            http.Request.Headers["webhook-signature"].ToString(), body, DateTimeOffset.UtcNow, http.Request.Headers["Idempotency-Key"].ToString());
        var reply = endpoint.Take(received);
        if (reply.Hang is { } hang)
        {
            // Held until the test lets go or the sender gives up and closes the connection.
            await Task.WhenAny(hang, Task.Delay(Timeout.Infinite, http.RequestAborted)).ContinueWith(_ => { });
            if (http.RequestAborted.IsCancellationRequested)
            {
                return Results.Empty;
            }
        }
        if (reply.RetryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString();
        }
        endpoint.Answered(received, reply.StatusCode);
        return Results.StatusCode(reply.StatusCode);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>One receiving URL: answers in the order scripted (the last answer repeats), and what came.</summary>
public sealed class ReceiverEndpoint(string url)
{
    private readonly object _gate = new();
    private readonly Queue<Reply> _script = new();
    private Reply _last = Reply.Status(200);
    private readonly List<ReceivedWebhook> _received = [];
    private readonly List<(ReceivedWebhook Webhook, int StatusCode)> _answered = [];

    public string Url { get; } = url;

    public ReceiverEndpoint Answer(params Reply[] replies)
    {
        lock (_gate)
        {
            foreach (var reply in replies)
            {
                _script.Enqueue(reply);
            }
        }
        return this;
    }

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get { lock (_gate) return _received.ToList(); }
    }

    /// <summary>The requests answered with 2xx: what the receiver took.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted
    {
        get { lock (_gate) return _answered.Where(a => a.StatusCode is >= 200 and < 300).Select(a => a.Webhook).ToList(); }
    }

    internal Reply Take(ReceivedWebhook received)
    {
        lock (_gate)
        {
            _received.Add(received);
            if (_script.TryDequeue(out var next))
            {
                _last = next;
            }
            return _last;
        }
    }

    internal void Answered(ReceivedWebhook received, int statusCode)
    {
        lock (_gate) _answered.Add((received, statusCode));
    }
}

/// <summary>A scripted answer: a status code, optionally held until a task completes, optionally with Retry-After.</summary>
public sealed record Reply(int StatusCode, Task? Hang = null, int? RetryAfterSeconds = null)
{
    public static Reply Status(int statusCode) => new(statusCode);

    public static implicit operator Reply(int statusCode) => new(statusCode);
}

/// <summary>A request as it arrived (a webhook, or a call of the SMS gateway).</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, DateTimeOffset ArrivedAt, string IdempotencyKey)
{
    /// <summary>
    /// Standard Webhooks verification, written from the spec: HMAC-SHA256 keyed by the base64 bytes after
    /// <c>whsec_</c>, over <c>id.timestamp.body</c>, base64; the header holds space-separated <c>v1,</c> signatures.
    /// </summary>
    public bool IsSignedWith(string secret)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.{Body}")));
        return Signature.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(s => s.StartsWith("v1,", StringComparison.Ordinal) && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }
}

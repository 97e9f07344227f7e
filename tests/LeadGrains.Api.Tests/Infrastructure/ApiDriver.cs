using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>An answer: status, content type, body text and (when JSON) the parsed body.</summary>
public sealed record Answer(HttpStatusCode Status, string? ContentType, string Text, HttpResponseMessage Response)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public string Str(string property) => Json.GetProperty(property).GetString()!;

    public Guid Id(string property) => Json.GetProperty(property).GetGuid();

    public long Long(string property) => Json.GetProperty(property).GetInt64();

    public override string ToString() => $"{(int)Status} {ContentType} {Text}";
}

/// <summary>Sends requests as a given caller and builds a workspace's data through the API itself.</summary>
public sealed class ApiDriver(LocalApiHost host)
{
    public LocalApiHost Host => host;

    public Tokens Tokens => host.Tokens;

    public async Task<Answer> Send(HttpMethod method, string path, string? token, object? body = null,
        IReadOnlyDictionary<string, string>? headers = null, string? rawBody = null, string contentType = "application/json")
    {
        using var client = host.CreateClient(token);
        using var request = new HttpRequestMessage(method, path);
        if (rawBody is not null)
        {
            request.Content = new StringContent(rawBody, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        else if (body is not null)
        {
            request.Content = new StringContent(body is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(body), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var response = await client.SendAsync(request);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), response);
    }

    public Task<Answer> Get(string path, string? token) => Send(HttpMethod.Get, path, token);

    public Task<Answer> Post(string path, string? token, object? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        Send(HttpMethod.Post, path, token, body, headers);

    public Task<Answer> Patch(string path, string? token, object body) => Send(HttpMethod.Patch, path, token, body);

    public Task<Answer> Put(string path, string? token, object body) => Send(HttpMethod.Put, path, token, body);

    public static async Task<Answer> Expect(HttpStatusCode status, Task<Answer> call)
    {
        var answer = await call;
        Assert.True(answer.Status == status, $"expected {(int)status}, got {answer}");
        return answer;
    }

    public async Task<Guid> Workspace(string name = "ws") =>
        (await ApiDriver.Expect(HttpStatusCode.Created, Post("/api/v1/platform/workspaces", Tokens.Platform(), new { name }))).Id("workspace_id");

    public async Task<Answer> Niche(Guid workspace, string? name = null, int levels = 3) =>
        await ApiDriver.Expect(HttpStatusCode.Created, Post("/api/v1/admin/niches", Tokens.Admin(workspace), new
        {
            name = name ?? $"niche-{Guid.NewGuid():N}",
            levels = Enumerable.Range(1, levels).Select(i => new
            {
                name = $"Level {i}", order_position = i, max_recipients = i == 1 ? 1 : 2, price_cents = 5000 - i * 1000, is_active = true,
            }).ToArray(),
        }));

    public async Task<Guid> Provider(Guid workspace, string name = "Provider", long depositCents = 0)
    {
        var id = (await ApiDriver.Expect(HttpStatusCode.Created, Post("/api/v1/admin/providers", Tokens.Admin(workspace),
            new { name, email = $"{Guid.NewGuid():N}@buyers.example.com" }))).Id("provider_id");
        if (depositCents > 0)
        {
            await Deposit(workspace, id, depositCents);
        }
        return id;
    }

    public Task<Answer> Deposit(Guid workspace, Guid provider, long cents, string? key = null) =>
        Expect(HttpStatusCode.Created, Post($"/api/v1/admin/providers/{provider}/deposits", Tokens.Admin(workspace),
            new { amount_cents = cents, reference = "test" }, new Dictionary<string, string> { ["Idempotency-Key"] = key ?? Guid.NewGuid().ToString() }));

    public async Task<Guid> Subscribe(Guid workspace, Guid provider, Guid level, params string[] states) =>
        (await ApiDriver.Expect(HttpStatusCode.Created, Post($"/api/v1/admin/providers/{provider}/subscriptions", Tokens.Admin(workspace),
            new { level_id = level, filters = new { states = states.Length == 0 ? ["TX"] : states } }))).Id("subscription_id");

    public static object LeadBody(Guid niche, string? email = null, string? phone = null, string state = "TX") => new
    {
        niche_id = niche,
        contact = new { first_name = "Ada", last_name = "Lovelace", email = email ?? $"{Guid.NewGuid():N}@leads.example.com", phone = phone ?? RandomPhone() },
        attributes = new { state, zip = "75201", amount_cents = 250000, project = "kitchen" },
    };

    public async Task<Guid> Lead(Guid workspace, Guid niche, string? email = null, string? phone = null) =>
        (await ApiDriver.Expect(HttpStatusCode.Created, Post("/api/v1/leads", Tokens.Approver(workspace), LeadBody(niche, email, phone)))).Id("lead_id");

    public static string RandomPhone() => $"214{Random.Shared.Next(200, 999)}{Random.Shared.Next(1000, 9999)}";

    /// <summary>Polls the distribution status until the lead's distribution has ended.</summary>
    public async Task<Answer> AwaitDistribution(Guid workspace, Guid lead)
    {
        for (var i = 0; i < 200; i++)
        {
            var status = await ApiDriver.Expect(HttpStatusCode.OK, Get($"/api/v1/admin/leads/{lead}/distribution-status", Tokens.Ops(workspace)));
            if (status.Str("lead_status") is "distributed" or "no_eligible")
            {
                return status;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"lead {lead} was not distributed");
    }
}

using System.Security.Cryptography;
using System.Text;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Idempotency;

/// <summary>Endpoint metadata: the endpoint honours the <c>Idempotency-Key</c> header (required or optional).</summary>
public sealed record IdempotentRequest(bool KeyRequired);

/// <summary>
/// Idempotency-Key semantics (docs/API.md), per workspace: the first request with a key executes and
/// its successful answer is stored; a repeat with the same method, path and body gets that answer
/// again (header <c>Idempotent-Replayed: true</c>) without a second effect; a repeat with anything
/// else is refused with 422. Concurrent repeats wait for the first one's answer. Refusals and
/// faults are not stored: nothing happened, so a retry executes afresh.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    private static readonly TimeSpan WaitForFirst = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);

    public async Task InvokeAsync(HttpContext http)
    {
        var metadata = http.GetEndpoint()?.Metadata.GetMetadata<IdempotentRequest>();
        var key = http.Request.Headers[Header].ToString();
        if (metadata is null || (key.Length == 0 && !metadata.KeyRequired))
        {
            await next(http);
            return;
        }
        if (key.Length is 0 or > 200 || key.Any(c => c is < '!' or > '~'))
        {
            throw ApiProblemException.Validation(Header, "is required: 1 to 200 visible ASCII characters, unique per intended change.");
        }
        var workspaceId = http.User.WorkspaceId();
        var hash = await RequestHash(http);

        var deadline = DateTime.UtcNow + WaitForFirst;
        while (!await store.TryClaim(workspaceId, key, hash, http.RequestAborted))
        {
            var stored = await store.Find(workspaceId, key, http.RequestAborted);
            if (stored is not null && stored.RequestHash != hash)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity,
                    $"This {Header} was already used for a different request.");
            }
            if (stored?.StatusCode is { } status)
            {
                http.Response.StatusCode = status;
                http.Response.ContentType = stored.ContentType;
                http.Response.Headers[ReplayedHeader] = "true";
                await http.Response.Body.WriteAsync(stored.ResponseBody ?? [], http.RequestAborted);
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw ApiProblemException.Conflict($"A request with this {Header} is still in progress; retry later.");
            }
            await Task.Delay(PollEvery, http.RequestAborted);
        }

        await Execute(http, workspaceId, key);
    }

    private async Task Execute(HttpContext http, Guid workspaceId, string key)
    {
        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;
        var stored = false;
        try
        {
            await next(http);
            if (http.Response.StatusCode is >= 200 and < 300)
            {
                await store.Complete(workspaceId, key, http.Response.StatusCode, http.Response.ContentType, captured.ToArray());
                stored = true;
            }
        }
        finally
        {
            http.Response.Body = original;
            if (!stored)
            {
                await store.Release(workspaceId, key);
            }
        }
        captured.Position = 0;
        await captured.CopyToAsync(original, http.RequestAborted);
    }

    /// <summary>What makes two requests "the same": method, path and the exact body bytes.</summary>
    private static async Task<string> RequestHash(HttpContext http)
    {
        http.Request.EnableBuffering();
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        http.Request.Body.Position = 0;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path.Value}\n"));
        sha.AppendData(body.GetBuffer(), 0, (int)body.Length);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

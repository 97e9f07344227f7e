using System.Collections.Concurrent;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>One response any test received: for the OpenAPI and privacy checks.</summary>
public sealed record RecordedResponse(string Method, string Path, int Status, string? ContentType, string Body);

/// <summary>Records every response the test clients receive, process-wide.</summary>
public sealed class ResponseRecorder : DelegatingHandler
{
    public static ConcurrentQueue<RecordedResponse> All { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        All.Enqueue(new RecordedResponse(
            request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(cancellationToken)));
        return response;
    }
}

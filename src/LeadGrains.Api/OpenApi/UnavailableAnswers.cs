using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LeadGrains.Api.OpenApi;

/// <summary>
/// Every operation can answer 503 (a silo or the database is restarting; Retry-After says when to
/// try again) and 504 (the request outlived <c>LeadGrains:Api:RequestTimeout</c>), whatever the
/// endpoint, so the document lists both on each operation instead of each endpoint declaring them.
/// </summary>
public sealed class UnavailableAnswers : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("503", Problem(context, "Service Unavailable: a silo or the database is restarting; retry after the Retry-After delay.", retryAfter: true));
        operation.Responses.TryAdd("504", Problem(context, "Gateway Timeout: the request outlived the API's request timeout; it may or may not have taken effect.", retryAfter: false));
        return Task.CompletedTask;
    }

    private static OpenApiResponse Problem(OpenApiOperationTransformerContext context, string description, bool retryAfter)
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [Errors.Problems.ContentType] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) },
            },
        };
        if (retryAfter)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                },
            };
        }
        return response;
    }
}

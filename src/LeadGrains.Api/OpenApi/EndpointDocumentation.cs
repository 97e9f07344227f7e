using LeadGrains.Api.Errors;

namespace LeadGrains.Api.OpenApi;

/// <summary>The problem answers endpoints share, declared once so the OpenAPI document lists them all.</summary>
public static class EndpointDocumentation
{
    /// <summary>Every authenticated endpoint: bad token (401), wrong role/MFA (403), too many failures (429).</summary>
    public static TBuilder WithAuthProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder
            .ProducesProblem(StatusCodes.Status401Unauthorized, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status403Forbidden, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests, Problems.ContentType);

    /// <summary>Endpoints reading query parameters or path ids: 400 with field errors.</summary>
    public static TBuilder WithQueryProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithAuthProblems().ProducesProblem(StatusCodes.Status400BadRequest, Problems.ContentType);

    /// <summary>Endpoints taking a body: also 413 (too large) and 415 (not JSON).</summary>
    public static TBuilder WithBodyProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithQueryProblems()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType, Problems.ContentType);

    public static TBuilder WithNotFound<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status404NotFound, Problems.ContentType);
}

using Microsoft.OpenApi;

namespace LeadGrains.Api.OpenApi;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, generated from the mapped endpoints.</summary>
public static class OpenApiExtensions
{
    public static IServiceCollection AddLeadGrainsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "LeadGrains admin API",
                Version = "v1",
                Description = "The thin front end of the LeadGrains cluster. JSON is snake_case; errors are RFC 7807 problem details.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "claims: sub, role (platform_admin, admin, ops, approver, provider), workspace_id, provider_id, amr",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        }));
}

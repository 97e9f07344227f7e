using Microsoft.OpenApi;

namespace LeadGrains.Api.OpenApi;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, generated from the mapped endpoints.</summary>
public static class OpenApiExtensions
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Platform"] = "Workspaces, created by platform administrators.",
        ["Niches"] = "Niches, their competition levels and rotation pointer; fairness per level.",
        ["Providers"] = "Providers (buyers of leads): registration, channels, deposits, ledger and subscriptions.",
        ["Leads"] = "Lead intake (single or CSV), listing, approval and rejection.",
        ["Distribution"] = "Distributing a lead, its status and its assignments.",
        ["Queues"] = "The distribution queue and its dead letters.",
        ["Deliveries"] = "Delivery of each assignment to its provider by e-mail, webhook and SMS: status, attempts, resends, dead letters, templates.",
        ["Provider self-service"] = "What a provider's own token can read and do: its profile, leads, ledger and deliveries; returning its bad leads.",
        ["Returns"] = "Bad-lead returns: the workspace's return rules, the returns providers ask for, their approval (a refund, once) or rejection.",
        ["Audit"] = "The audit log.",
        ["Jobs"] = "Scheduled jobs and the ledger reconciliation.",
        ["Routing"] = "Partner routing: sources submit leads to the platform; rules move each into one destination workspace's niche, once, deduplicated across partners; retries, dead letters, logs and volume.",
        ["Reports"] = "Leads, distributions and revenue per niche, provider and day; returned leads per provider, niche and reason; as JSON or CSV.",
    };

    public static IServiceCollection AddLeadGrainsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddOperationTransformer<UnavailableAnswers>().AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "LeadGrains admin API",
                Version = "v1",
                Description = "The thin front end of the LeadGrains cluster. JSON is snake_case; errors are RFC 7807 problem details.",
                License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
            };
            // The address the request came in on, written the way clients join it with the paths.
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
            }
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "claims: sub, role (platform_admin, platform_ops, admin, ops, approver, provider), workspace_id, provider_id, amr",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        }));
}

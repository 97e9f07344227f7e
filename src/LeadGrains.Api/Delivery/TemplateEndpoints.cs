using LeadGrains.Abstractions.Delivery;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;

namespace LeadGrains.Api.Delivery;

public sealed record TemplateRequest(string? Subject, string? Text, string? Html)
{
    public TemplateParts ToParts() => new(Subject ?? "", Text ?? "", Html ?? "");
}

public sealed record TemplateResponse(string Name, string Subject, string Text, string Html, bool IsDefault, IReadOnlyList<string> Variables, DateTimeOffset? UpdatedAt)
{
    public static TemplateResponse From(TemplateView view) =>
        new(view.Name, view.Parts.Subject, view.Parts.Text, view.Parts.Html, view.IsDefault, view.Variables, view.UpdatedAt);
}

public sealed record PreviewResponse(string Subject, string Text, string Html);

/// <summary>The workspace's <c>lead_assigned</c> e-mail template: read, save (variables checked), preview.</summary>
public static class TemplateEndpoints
{
    public static void MapTemplateEndpoints(this IEndpointRouteBuilder app)
    {
        var template = app.MapGroup("/api/v1/admin/templates/lead_assigned").WithTags("Deliveries");
        template.MapGet("", Get).RequireAuthorization(Policies.Read).Produces<TemplateResponse>().WithAuthProblems()
            .WithName("getLeadAssignedTemplate")
            .WithSummary("The workspace's lead_assigned e-mail template (the built-in one until saved) and the variables it may use");
        template.MapPut("", Save).RequireAuthorization(Policies.Manage).Accepts<TemplateRequest>("application/json")
            .Produces<TemplateResponse>().WithBodyProblems()
            .WithName("saveLeadAssignedTemplate")
            .WithSummary("Save the workspace's lead_assigned template: subject, text and html with {{variable}} placeholders")
            .WithDescription("400 names each part that uses a variable outside the allowed list, leaves a '{{' unclosed, or is empty or too long; nothing is saved then.");
        template.MapPost("/preview", Preview).RequireAuthorization(Policies.Read).Accepts<TemplateRequest>("application/json")
            .Produces<PreviewResponse>().WithBodyProblems()
            .WithName("previewLeadAssignedTemplate")
            .WithSummary("The template in the body (or, with no body, the saved one) filled in with sample values")
            .WithDescription("400 as for saving.");
    }

    private static IDeliveryOperationsGrain Operations(HttpContext http, IGrainFactory grains) =>
        grains.GetGrain<IDeliveryOperationsGrain>(http.User.WorkspaceId());

    private static async Task<TemplateResponse> Get(HttpContext http, IGrainFactory grains) =>
        TemplateResponse.From(await Operations(http, grains).GetTemplate(http.RequestAborted));

    private static async Task<TemplateResponse> Save(HttpContext http, IGrainFactory grains, AuditLog audit)
    {
        var parts = (await JsonBody.Read<TemplateRequest>(http)).ToParts();
        var saved = await Operations(http, grains).SaveTemplate(parts, http.User.Actor());
        await audit.Write(http.User.WorkspaceId(), http.User.Actor(), "template.saved", "workspace", http.User.WorkspaceId(), new { name = saved.Name });
        return TemplateResponse.From(saved);
    }

    private static async Task<PreviewResponse> Preview(HttpContext http, IGrainFactory grains)
    {
        var parts = (await JsonBody.ReadOptional<TemplateRequest>(http))?.ToParts();
        var preview = await Operations(http, grains).Preview(parts);
        return new PreviewResponse(preview.Subject, preview.Text, preview.Html);
    }
}

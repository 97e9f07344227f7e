using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Domain.Routing;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Routing;

/// <summary>
/// Routing rules, the dry run and the dedupe settings, kept by platform administrators. Every change is
/// audited with its actor, as a platform row (no workspace), with the rule or settings before and after.
/// </summary>
public static class RoutingRuleEndpoints
{
    public static void MapRoutingRuleEndpoints(this IEndpointRouteBuilder app)
    {
        var routing = app.MapGroup("/api/v1/platform/routing").WithTags("Routing");
        routing.MapGet("/rules", List).WithName("listRoutingRules").WithSummary("Every routing rule, in the order they are tried (priority, highest first)")
            .RequireAuthorization(Policies.PlatformRead).Produces<RoutingRuleList>().WithAuthProblems();
        routing.MapPost("/rules", Create).WithName("createRoutingRule")
            .WithSummary("Create a routing rule: a condition over a lead's fields and attributes (checked now: syntax, allowed variables, functions and operators, size), a priority and a destination niche")
            .RequireAuthorization(Policies.Platform).Accepts<RoutingRuleRequest>("application/json")
            .Produces<RoutingRuleResponse>(StatusCodes.Status201Created).WithBodyProblems();
        routing.MapGet("/rules/{rule_id}", Get).WithName("getRoutingRule").WithSummary("One routing rule")
            .RequireAuthorization(Policies.PlatformRead).Produces<RoutingRuleResponse>().WithQueryProblems().WithNotFound();
        routing.MapPut("/rules/{rule_id}", Update).WithName("updateRoutingRule")
            .WithSummary("Replace a routing rule (condition, priority, destination, on/off); every field is required, as on creation")
            .RequireAuthorization(Policies.Platform).Accepts<RoutingRuleRequest>("application/json")
            .Produces<RoutingRuleResponse>().WithBodyProblems().WithNotFound();
        routing.MapDelete("/rules/{rule_id}", Delete).WithName("deleteRoutingRule")
            .WithSummary("Delete a routing rule no submission was decided by (409 for one that was: disable it instead)")
            .RequireAuthorization(Policies.Platform).Produces(StatusCodes.Status204NoContent).WithQueryProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
        routing.MapPost("/dry-run", DryRun).WithName("dryRunRouting")
            .WithSummary("Which rule a lead with these attributes would match and why: every rule tried up to the match, with the values it saw; nothing is stored")
            .RequireAuthorization(Policies.PlatformRead).Accepts<DryRunRequest>("application/json").Produces<DryRunResponse>().WithBodyProblems();
        routing.MapGet("/settings", Settings).WithName("getRoutingSettings")
            .WithSummary("Cross-partner dedupe scope and window, and the workspaces closed to routed leads")
            .RequireAuthorization(Policies.PlatformRead).Produces<RoutingSettingsResponse>().WithAuthProblems();
        routing.MapPut("/settings", SaveSettings).WithName("updateRoutingSettings")
            .WithSummary("Set the cross-partner dedupe scope (platform: any workspace; workspace: the destination only) and window (1-365 days)")
            .RequireAuthorization(Policies.Platform).Accepts<RoutingSettingsRequest>("application/json").Produces<RoutingSettingsResponse>().WithBodyProblems();
        routing.MapPut("/closed-destinations/{workspace_id}", Close).WithName("closeRoutingDestination")
            .WithSummary("Close a workspace to routed leads: submissions bound for it are retried until it opens or they dead-letter")
            .RequireAuthorization(Policies.Platform).Produces<RoutingSettingsResponse>().WithQueryProblems().WithNotFound();
        routing.MapDelete("/closed-destinations/{workspace_id}", Open).WithName("openRoutingDestination")
            .WithSummary("Open a closed workspace to routed leads again")
            .RequireAuthorization(Policies.Platform).Produces<RoutingSettingsResponse>().WithQueryProblems().WithNotFound();
    }

    private static async Task<RoutingRuleList> List(HttpContext http, RoutingRuleStore rules) => new(await rules.All(http.RequestAborted));

    private static async Task<RoutingRuleResponse> Get(HttpContext http, RoutingRuleStore rules, [FromRoute(Name = "rule_id")] string ruleId) =>
        await rules.Find(Query.Id("rule_id", ruleId), http.RequestAborted) ?? throw ApiProblemException.NotFound("routing rule");

    private static async Task<IResult> Create(HttpContext http, RoutingRuleStore rules, AuditLog audit, TimeProvider clock)
    {
        var rule = await Save(http, rules, clock, Guid.CreateVersion7());
        await audit.Write(null, http.User.Actor(), "routing_rule.created", "routing_rule", rule.RuleId, new { after = rule });
        return Results.Created($"/api/v1/platform/routing/rules/{rule.RuleId}", rule);
    }

    private static async Task<RoutingRuleResponse> Update(HttpContext http, RoutingRuleStore rules, AuditLog audit, TimeProvider clock,
        [FromRoute(Name = "rule_id")] string ruleId)
    {
        var id = Query.Id("rule_id", ruleId);
        var before = await rules.Find(id, http.RequestAborted) ?? throw ApiProblemException.NotFound("routing rule");
        var after = await Save(http, rules, clock, id);
        // Turning a rule on or off is the change operators look for: it gets an action of its own.
        var action = before.Enabled == after.Enabled ? "routing_rule.updated" : after.Enabled ? "routing_rule.enabled" : "routing_rule.disabled";
        await audit.Write(null, http.User.Actor(), action, "routing_rule", id, new Change<RoutingRuleResponse>(before, after));
        return after;
    }

    private static async Task<IResult> Delete(HttpContext http, RoutingRuleStore rules, AuditLog audit, [FromRoute(Name = "rule_id")] string ruleId)
    {
        var id = Query.Id("rule_id", ruleId);
        var (deleted, inUse) = await rules.Delete(id, http.RequestAborted);
        if (inUse)
        {
            throw ApiProblemException.Conflict("Submissions were decided by this rule; disable it instead (PUT with enabled false).");
        }
        _ = deleted ?? throw ApiProblemException.NotFound("routing rule");
        await audit.Write(null, http.User.Actor(), "routing_rule.deleted", "routing_rule", id, new { before = deleted });
        return Results.NoContent();
    }

    private static async Task<RoutingRuleResponse> Save(HttpContext http, RoutingRuleStore rules, TimeProvider clock, Guid ruleId)
    {
        var body = await JsonBody.Read<RoutingRuleRequest>(http);
        var errors = new Dictionary<string, string[]>();
        var (condition, conditionErrors) = RoutingCondition.Compile(body.Condition);
        if (condition is null)
        {
            errors["condition"] = conditionErrors.ToArray();
        }
        if (body.Name?.Trim() is not { Length: >= 1 and <= 200 })
        {
            errors["name"] = ["is required, at most 200 characters."];
        }
        if (body.Priority is null)
        {
            errors["priority"] = ["is required (higher is tried first)."];
        }
        if (body.DestinationWorkspaceId is null || body.DestinationNicheId is null
            || !await rules.NicheBelongsTo(body.DestinationNicheId.Value, body.DestinationWorkspaceId.Value, http.RequestAborted))
        {
            errors["destination_niche_id"] = ["must name a niche of destination_workspace_id."];
        }
        if (errors.Count > 0)
        {
            throw ApiProblemException.Validation(errors);
        }
        return await rules.Save(ruleId, body.Name!.Trim(), condition!, body.Priority!.Value, body.DestinationWorkspaceId!.Value, body.DestinationNicheId!.Value,
            body.Enabled ?? true, clock.GetUtcNow(), http.RequestAborted);
    }

    private static async Task<DryRunResponse> DryRun(HttpContext http, RoutingRuleStore rules)
    {
        var attributes = (await JsonBody.Read<DryRunRequest>(http)).Attributes
            ?? throw ApiProblemException.Validation("attributes", "is required: the state, zip, amount_cents and attributes to try.");
        if (string.IsNullOrWhiteSpace(attributes.State))
        {
            throw ApiProblemException.Validation("attributes.state", "is required.");
        }
        var stored = await rules.All(http.RequestAborted);
        var book = new RuleBook(stored.Select(r => RoutingCondition.Compile(r.Condition).Condition is { } condition
            ? new RoutingRule(r.RuleId, r.Name, condition, r.Priority, r.DestinationWorkspaceId, r.DestinationNicheId, r.Enabled)
            : null).OfType<RoutingRule>());
        var match = book.Explain(LeadFacts.From(attributes.State, attributes.Zip, attributes.AmountCents, attributes.ExtraAsStrings()));
        var explanation = match.Rule is { } rule
            ? $"rule '{rule.Name}' (priority {rule.Priority}) is the first enabled rule the lead meets, after {match.RulesEvaluated - 1} that it does not"
            : $"none of the {match.RulesEvaluated} enabled rule(s) matches: the lead would be retried, then dead-lettered";
        return new DryRunResponse(match.Rule?.Id, match.Rule?.DestinationWorkspaceId, match.Rule?.DestinationNicheId, explanation,
            match.Evaluations.Select(e => new RuleEvaluationResponse(e.RuleId, e.Name, e.Priority, e.Enabled, e.Matched, e.Why)).ToList());
    }

    private static async Task<RoutingSettingsResponse> Settings(HttpContext http, RoutingRuleStore rules) => await rules.Settings(http.RequestAborted);

    private static async Task<RoutingSettingsResponse> SaveSettings(HttpContext http, RoutingRuleStore rules, AuditLog audit, TimeProvider clock)
    {
        var body = await JsonBody.Read<RoutingSettingsRequest>(http);
        var current = await rules.Settings(http.RequestAborted);
        var scope = body.DedupeScope ?? current.DedupeScope;
        var days = body.DedupeWindowDays ?? current.DedupeWindowDays;
        if (scope is not ("platform" or "workspace"))
        {
            throw ApiProblemException.Validation("dedupe_scope", "must be platform or workspace.");
        }
        if (days is < 1 or > 365)
        {
            throw ApiProblemException.Validation("dedupe_window_days", "must be 1-365.");
        }
        await rules.SaveSettings(scope, days, clock.GetUtcNow(), http.RequestAborted);
        var after = await rules.Settings(http.RequestAborted);
        await audit.Write(null, http.User.Actor(), "routing_settings.updated", "routing_settings", "platform", new Change<RoutingSettingsResponse>(current, after));
        return after;
    }

    private static Task<RoutingSettingsResponse> Close(HttpContext http, RoutingRuleStore rules, AuditLog audit, TimeProvider clock,
        [FromRoute(Name = "workspace_id")] string workspaceId) => SetOpen(http, rules, audit, clock, workspaceId, open: false);

    private static Task<RoutingSettingsResponse> Open(HttpContext http, RoutingRuleStore rules, AuditLog audit, TimeProvider clock,
        [FromRoute(Name = "workspace_id")] string workspaceId) => SetOpen(http, rules, audit, clock, workspaceId, open: true);

    private static async Task<RoutingSettingsResponse> SetOpen(HttpContext http, RoutingRuleStore rules, AuditLog audit, TimeProvider clock, string workspaceId,
        bool open)
    {
        var id = Query.Id("workspace_id", workspaceId);
        if (!await rules.SetDestinationOpen(id, open, clock.GetUtcNow(), http.RequestAborted))
        {
            throw ApiProblemException.NotFound("workspace");
        }
        await audit.Write(null, http.User.Actor(), open ? "routing_destination.opened" : "routing_destination.closed", "workspace", id);
        return await rules.Settings(http.RequestAborted);
    }
}

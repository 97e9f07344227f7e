using LeadGrains.Abstractions.Niches;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Niches;

/// <summary>Niches and their competition levels.</summary>
public static class NicheEndpoints
{
    public static void MapNicheEndpoints(this IEndpointRouteBuilder app)
    {
        var niches = app.MapGroup("/api/v1/admin/niches").WithTags("Niches");
        niches.MapPost("", Create).WithName("createNiche").WithSummary("Create a niche with its competition levels").RequireAuthorization(Policies.Manage).Accepts<CreateNicheRequest>("application/json")
            .Produces<NicheResponse>(StatusCodes.Status201Created).WithBodyProblems();
        niches.MapGet("", List).WithName("listNiches").WithSummary("The workspace's niches with their levels and rotation pointer").RequireAuthorization(Policies.Read)
            .Produces<NichePage>().WithQueryProblems();
        niches.MapGet("/{niche_id}", Get).WithName("getNiche").WithSummary("One niche with its levels and rotation pointer").RequireAuthorization(Policies.Read)
            .Produces<NicheResponse>().WithQueryProblems().WithNotFound();
        niches.MapPost("/{niche_id}/levels", AddLevel).WithName("addNicheLevel").WithSummary("Add a competition level to a niche").RequireAuthorization(Policies.Manage).Accepts<LevelRequest>("application/json")
            .Produces<LevelResponse>(StatusCodes.Status201Created).WithBodyProblems().WithNotFound();
        niches.MapPatch("/{niche_id}/levels/{level_id}", UpdateLevel).WithName("updateNicheLevel").WithSummary("Change a level's name, recipients, price or active flag").RequireAuthorization(Policies.Manage).Accepts<UpdateLevelRequest>("application/json")
            .Produces<LevelResponse>().WithBodyProblems().WithNotFound();
    }

    private static async Task<IResult> Create(HttpContext http, IGrainFactory grains, AuditLog audit)
    {
        var command = (await JsonBody.Read<CreateNicheRequest>(http)).ToCommand(http.User.WorkspaceId());
        var id = Guid.CreateVersion7();
        var niche = await grains.GetGrain<INicheGrain>(id).Create(command);
        var response = NicheResponse.From(niche);
        await audit.Write(niche.WorkspaceId, http.User.Actor(), "niche.created", "niche", id, new { after = response });
        return Results.Created($"/api/v1/admin/niches/{id}", response);
    }

    private static async Task<NichePage> List(HttpContext http, NicheQueries queries, string? cursor, string? limit) =>
        await queries.List(http.User.WorkspaceId(), Cursor.Decode(cursor), Query.Limit(limit), http.RequestAborted);

    private static async Task<NicheResponse> Get(HttpContext http, IGrainFactory grains, [FromRoute(Name = "niche_id")] string nicheId) =>
        NicheResponse.From(await Find(http, grains, nicheId));

    private static async Task<IResult> AddLevel(HttpContext http, IGrainFactory grains, AuditLog audit, [FromRoute(Name = "niche_id")] string nicheId)
    {
        var niche = await Find(http, grains, nicheId);
        var definition = (await JsonBody.Read<LevelRequest>(http)).ToDefinition("");
        var level = LevelResponse.From(await grains.GetGrain<INicheGrain>(niche.NicheId).AddLevel(definition));
        await audit.Write(niche.WorkspaceId, http.User.Actor(), "level.created", "competition_level", level.LevelId, new { niche_id = niche.NicheId, after = level });
        return Results.Created($"/api/v1/admin/niches/{niche.NicheId}/levels/{level.LevelId}", level);
    }

    private static async Task<LevelResponse> UpdateLevel(
        HttpContext http, IGrainFactory grains, AuditLog audit,
        [FromRoute(Name = "niche_id")] string nicheId, [FromRoute(Name = "level_id")] string levelId)
    {
        var niche = await Find(http, grains, nicheId);
        var id = Query.Id("level_id", levelId);
        var before = niche.Levels.SingleOrDefault(l => l.LevelId == id) ?? throw ApiProblemException.NotFound("level");
        var update = (await JsonBody.Read<UpdateLevelRequest>(http)).ToUpdate();
        var after = LevelResponse.From(await grains.GetGrain<INicheGrain>(niche.NicheId).UpdateLevel(id, update));
        await audit.Write(niche.WorkspaceId, http.User.Actor(), "level.updated", "competition_level", id,
            new { niche_id = niche.NicheId, change = new Change<LevelResponse>(LevelResponse.From(before), after) });
        return after;
    }

    /// <summary>The niche, if it exists in the caller's workspace (otherwise 404, whether or not it exists elsewhere).</summary>
    internal static async Task<NicheView> Find(HttpContext http, IGrainFactory grains, string nicheId)
    {
        var id = Query.Id("niche_id", nicheId);
        var niche = await grains.GetGrain<INicheGrain>(id).Get();
        return niche is not null && niche.WorkspaceId == http.User.WorkspaceId() ? niche : throw ApiProblemException.NotFound("niche");
    }
}

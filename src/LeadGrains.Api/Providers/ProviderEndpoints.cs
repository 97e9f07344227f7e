using LeadGrains.Abstractions.Providers;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Idempotency;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Providers;

/// <summary>Providers (lead buyers), their money and their ledger.</summary>
public static class ProviderEndpoints
{
    public static void MapProviderEndpoints(this IEndpointRouteBuilder app)
    {
        var providers = app.MapGroup("/api/v1/admin/providers").WithTags("Providers");
        providers.MapPost("", Create).WithName("createProvider").WithSummary("Register a provider (a buyer of leads) in the workspace").RequireAuthorization(Policies.Manage).Accepts<CreateProviderRequest>("application/json")
            .Produces<ProviderResponse>(StatusCodes.Status201Created).WithBodyProblems();
        providers.MapGet("/{provider_id}", Get).WithName("getProvider").WithSummary("One provider with its balance, status and subscriptions").RequireAuthorization(Policies.Read)
            .Produces<ProviderResponse>().WithQueryProblems().WithNotFound();
        providers.MapPatch("/{provider_id}", Update).WithName("updateProvider").WithSummary("Change a provider's name, e-mail or status").RequireAuthorization(Policies.Manage).Accepts<UpdateProviderRequest>("application/json")
            .Produces<ProviderResponse>().WithBodyProblems().WithNotFound();
        providers.MapPost("/{provider_id}/deposits", Deposit).WithName("depositFunds").WithSummary("Credit a provider's prepaid balance (Idempotency-Key required); reactivates paused subscriptions it now covers").RequireAuthorization(Policies.Manage).Accepts<DepositRequest>("application/json")
            .WithMetadata(new IdempotentRequest(KeyRequired: true))
            .Produces<DepositResponse>(StatusCodes.Status201Created).WithBodyProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity, Problems.ContentType);
        providers.MapPost("/{provider_id}/webhook-secret/rotate", RotateWebhookSecret).RequireAuthorization(Policies.Manage)
            .Accepts<RotateWebhookSecretRequest>("application/json").Produces<WebhookSecretResponse>().WithBodyProblems().WithNotFound()
            .WithName("rotateProviderWebhookSecret")
            .WithSummary("Replace a provider's webhook signing secret; the previous one keeps signing during the overlap (default 24 h)")
            .WithDescription("The new secret is in this answer only. 400 if the provider has no webhook URL or the overlap is outside 0-168 hours.");
        providers.MapGet("/{provider_id}/ledger", Ledger).WithName("listProviderLedger").WithSummary("A provider's deposits and charges, newest first (cursor pagination)").RequireAuthorization(Policies.Read)
            .Produces<LedgerPage>().WithQueryProblems().WithNotFound();
    }

    private static async Task<IResult> Create(HttpContext http, IGrainFactory grains, AuditLog audit)
    {
        var command = (await JsonBody.Read<CreateProviderRequest>(http)).ToCommand(http.User.WorkspaceId());
        var id = Guid.CreateVersion7();
        var provider = ProviderResponse.From(await grains.GetGrain<IProviderGrain>(id).Register(command), []);
        await audit.Write(command.WorkspaceId, http.User.Actor(), "provider.created", "provider", id, new { after = provider with { WebhookSecret = null } });
        return Results.Created($"/api/v1/admin/providers/{id}", provider);
    }

    private static async Task<ProviderResponse> Get(HttpContext http, IGrainFactory grains, ProviderQueries queries, [FromRoute(Name = "provider_id")] string providerId)
    {
        var provider = await Find(http, grains, providerId);
        return ProviderResponse.From(provider, await queries.Subscriptions(provider.ProviderId));
    }

    private static async Task<ProviderResponse> Update(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, [FromRoute(Name = "provider_id")] string providerId)
    {
        var before = await Find(http, grains, providerId);
        var update = (await JsonBody.Read<UpdateProviderRequest>(http)).ToUpdate();
        var after = await grains.GetGrain<IProviderGrain>(before.ProviderId).Update(update);
        await audit.Write(before.WorkspaceId, http.User.Actor(), "provider.updated", "provider", before.ProviderId,
            new { change = new Change<ProviderView>(before, after with { WebhookSecret = null }) });
        return ProviderResponse.From(after, await queries.Subscriptions(after.ProviderId));
    }

    private static async Task<IResult> Deposit(HttpContext http, IGrainFactory grains, [FromRoute(Name = "provider_id")] string providerId)
    {
        var provider = await Find(http, grains, providerId);
        var command = (await JsonBody.Read<DepositRequest>(http)).ToCommand(http.Request.Headers[IdempotencyMiddleware.Header].ToString()) with { Actor = http.User.Actor() };
        // The deposit writes its audit row itself, in the money's transaction.
        var result = await grains.GetGrain<IProviderGrain>(provider.ProviderId).Deposit(command);
        switch (result.Outcome)
        {
            case DepositOutcome.ProviderNotFound:
                throw ApiProblemException.NotFound("provider");
            case DepositOutcome.KeyConflict:
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity,
                    $"This {IdempotencyMiddleware.Header} was already used for a different deposit of this provider.");
        }
        return Results.Created($"/api/v1/admin/providers/{provider.ProviderId}/ledger",
            new DepositResponse(result.EntryId, provider.ProviderId, result.AmountCents, result.BalanceCents));
    }

    private static async Task<WebhookSecretResponse> RotateWebhookSecret(HttpContext http, IGrainFactory grains, AuditLog audit, [FromRoute(Name = "provider_id")] string providerId)
    {
        var provider = await Find(http, grains, providerId);
        var request = await JsonBody.Read<RotateWebhookSecretRequest>(http);
        var rotation = await grains.GetGrain<IProviderGrain>(provider.ProviderId).RotateWebhookSecret(request.Overlap);
        await audit.Write(provider.WorkspaceId, http.User.Actor(), "provider.webhook_secret_rotated", "provider", provider.ProviderId,
            new { previous_secret_expires_at = rotation.PreviousSecretExpiresAt });
        return new WebhookSecretResponse(provider.ProviderId, rotation.Secret, rotation.PreviousSecretExpiresAt);
    }

    private static async Task<LedgerPage> Ledger(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, [FromRoute(Name = "provider_id")] string providerId, string? page, string? limit)
    {
        var paging = Query.Page(page, limit);
        var provider = await Find(http, grains, providerId);
        return await queries.Ledger(provider.ProviderId, paging);
    }

    /// <summary>The provider, if it exists in the caller's workspace (otherwise 404).</summary>
    internal static async Task<ProviderView> Find(HttpContext http, IGrainFactory grains, string providerId)
    {
        var id = Query.Id("provider_id", providerId);
        var provider = await grains.GetGrain<IProviderGrain>(id).Get();
        return provider is not null && provider.WorkspaceId == http.User.WorkspaceId() ? provider : throw ApiProblemException.NotFound("provider");
    }
}

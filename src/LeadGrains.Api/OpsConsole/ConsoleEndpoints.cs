using System.Security.Claims;
using LeadGrains.Abstractions.Queues;
using LeadGrains.Api.Auth;
using Microsoft.AspNetCore.Antiforgery;
using static LeadGrains.Api.Pages.ServerPage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.OpsConsole;

/// <summary>
/// The ops console at <c>/console</c>: sign in with a token of the API's identity source, then one
/// page with the backlog, dead letters (retry and resolve, MFA only), recent distributions with
/// their decisions, the ledger reconciliation, the scheduled jobs and fairness per level. A
/// platform operator lands on <c>/console/platform</c> instead: every workspace's queue, each
/// workspace's page read only, and the Orleans dashboard.
/// Forms are checked against forgery; nothing here is part of the JSON API.
/// </summary>
public static class ConsoleEndpoints
{
    public static void MapOpsConsole(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/console").ExcludeFromDescription();
        console.MapGet("/login", LoginPage);
        console.MapPost("/login", SignIn);
        console.MapGet("/denied", () => Html(ConsolePage.Denied(), StatusCodes.Status403Forbidden));
        console.MapPost("/logout", SignOut).RequireAuthorization(new AuthorizationPolicyBuilder(ConsoleAuthentication.Scheme).RequireAuthenticatedUser().Build());
        console.MapGet("", Overview).RequireAuthorization(ConsoleAuthentication.ReadPolicy);
        console.MapGet("/platform", Platform).RequireAuthorization(ConsoleAuthentication.PlatformPolicy);
        console.MapGet("/workspaces/{id:guid}", WorkspaceSeenFromThePlatform).RequireAuthorization(ConsoleAuthentication.PlatformPolicy);
        console.MapPost("/dead-letters/{id:guid}/retry", Retry).RequireAuthorization(ConsoleAuthentication.OperatePolicy);
        console.MapPost("/dead-letters/{id:guid}/resolve", Resolve).RequireAuthorization(ConsoleAuthentication.OperatePolicy);
    }

    private static IResult LoginPage(HttpContext http, IAntiforgery antiforgery) =>
        Html(ConsolePage.Login(AntiforgeryField(http, antiforgery), null));

    private static async Task<IResult> SignIn(HttpContext http, IAntiforgery antiforgery, ConsoleLogin login, ILogger<ConsoleLogin> logger)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var outcome = await login.Validate(form["token"], http.RequestAborted);
        if (outcome.Principal is null)
        {
            logger.LogInformation("Console sign-in refused: {Reason}", outcome.Refusal);
            return Html(ConsolePage.Login(AntiforgeryField(http, antiforgery), outcome.Refusal), StatusCodes.Status401Unauthorized);
        }
        await http.SignInAsync(ConsoleAuthentication.Scheme, outcome.Principal,
            new AuthenticationProperties { ExpiresUtc = outcome.ExpiresAt, IsPersistent = false });
        if (outcome.Principal.TryGuid(ClaimNames.WorkspaceId) is not { } workspaceId)
        {
            logger.LogInformation("Platform console session opened");
            return Results.Redirect("/console/platform");
        }
        // The subject may be an e-mail address at some identity providers: the log names the workspace only.
        logger.LogInformation("Console session opened in workspace {WorkspaceId}", workspaceId);
        return Results.Redirect("/console");
    }

    private static async Task<IResult> SignOut(HttpContext http, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        await http.SignOutAsync(ConsoleAuthentication.Scheme);
        return Results.Redirect("/console/login");
    }

    private static async Task<IResult> Overview(HttpContext http, IAntiforgery antiforgery, ConsoleViews views, string? notice)
    {
        var view = await views.Load(http.User.WorkspaceId(), http.RequestAborted);
        return Html(ConsolePage.Overview(view, http.User.Actor(), http.User.HasMfa(), AntiforgeryField(http, antiforgery), Notice(notice)));
    }

    private static async Task<IResult> Platform(HttpContext http, IAntiforgery antiforgery, ConsoleViews views) =>
        Html(ConsolePage.Platform(await views.Workspaces(http.RequestAborted), http.User.Actor(), AntiforgeryField(http, antiforgery)));

    private static async Task<IResult> WorkspaceSeenFromThePlatform(HttpContext http, IAntiforgery antiforgery, ConsoleViews views, [FromRoute] Guid id)
    {
        if (await views.WorkspaceName(id) is not { } name)
        {
            return Results.Redirect("/console/platform");
        }
        return Html(ConsolePage.Overview(await views.Load(id, http.RequestAborted), http.User.Actor(), canAct: false, AntiforgeryField(http, antiforgery), null, platformView: name));
    }

    private static async Task<IResult> Retry(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, [FromRoute] Guid id)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        var result = await grains.GetGrain<IDeadLetterQueueGrain>(http.User.WorkspaceId()).Retry(id, http.User.Actor());
        return Results.Redirect($"/console?notice={(result.Outcome == DeadLetterOutcome.Done ? "retried" : "unchanged")}");
    }

    private static async Task<IResult> Resolve(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, [FromRoute] Guid id)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        var result = await grains.GetGrain<IDeadLetterQueueGrain>(http.User.WorkspaceId()).Resolve(id, http.User.Actor(), "resolved in the ops console");
        return Results.Redirect($"/console?notice={(result.Outcome == DeadLetterOutcome.Done ? "resolved" : "unchanged")}");
    }

    /// <summary>Only known notices are shown: the query string never reaches the page as text.</summary>
    private static string? Notice(string? notice) => notice switch
    {
        "retried" => "The dead letter was retried: its lead has a fresh round of distribution attempts.",
        "resolved" => "The dead letter was resolved.",
        "unchanged" => "Nothing changed: the entry was already resolved or is not in this workspace.",
        _ => null,
    };
}

using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Providers;
using LeadGrains.Api.ProviderSelfService;
using Microsoft.AspNetCore.Antiforgery;
using static LeadGrains.Api.Pages.ServerPage;
using Microsoft.AspNetCore.Authentication;

namespace LeadGrains.Api.ProviderPortal;

/// <summary>
/// The provider portal at <c>/portal</c>: sign in with a provider's token, then one page with its
/// balance, subscriptions (with Pause and Resume, and their caps and hours to change within the admin's bounds), leads (with contact, and a form to return each
/// within the window), return requests, ledger and deliveries — only the signed-in provider's. Forms are checked against forgery;
/// nothing here is part of the JSON API.
/// </summary>
public static class PortalEndpoints
{
    public static void MapProviderPortal(this IEndpointRouteBuilder app)
    {
        var portal = app.MapGroup("/portal").ExcludeFromDescription();
        portal.MapGet("/login", LoginPage);
        portal.MapPost("/login", SignIn);
        portal.MapPost("/logout", SignOut).RequireAuthorization(PortalAuthentication.Policy);
        portal.MapGet("", Overview).RequireAuthorization(PortalAuthentication.Policy);
        portal.MapPost("/returns", RequestReturn).RequireAuthorization(PortalAuthentication.Policy);
        portal.MapPost("/subscriptions/{id:guid}/pause", (HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, ProviderQueries queries, AuditLog audit, Guid id) =>
            SetSubscriptionStatus(http, antiforgery, grains, queries, audit, id, "paused")).RequireAuthorization(PortalAuthentication.Policy);
        portal.MapPost("/subscriptions/{id:guid}/resume", (HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, ProviderQueries queries, AuditLog audit, Guid id) =>
            SetSubscriptionStatus(http, antiforgery, grains, queries, audit, id, "active")).RequireAuthorization(PortalAuthentication.Policy);
        portal.MapPost("/subscriptions/{id:guid}/controls", SetControls).RequireAuthorization(PortalAuthentication.Policy);
    }

    private static IResult LoginPage(HttpContext http, IAntiforgery antiforgery) => Html(PortalPage.Login(AntiforgeryField(http, antiforgery), null));

    private static async Task<IResult> SignIn(HttpContext http, IAntiforgery antiforgery, PortalLogin login, ILogger<PortalLogin> logger)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var outcome = await login.Validate(form["token"], http.RequestAborted);
        if (outcome.Principal is null)
        {
            logger.LogInformation("Portal sign-in refused: {Reason}", outcome.Refusal);
            return Html(PortalPage.Login(AntiforgeryField(http, antiforgery), outcome.Refusal), StatusCodes.Status401Unauthorized);
        }
        await http.SignInAsync(PortalAuthentication.Scheme, outcome.Principal,
            new AuthenticationProperties { ExpiresUtc = outcome.ExpiresAt, IsPersistent = false });
        logger.LogInformation("Portal session opened for provider {ProviderId}", outcome.Principal.ProviderId());
        return Results.Redirect("/portal");
    }

    private static async Task<IResult> SignOut(HttpContext http, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        await http.SignOutAsync(PortalAuthentication.Scheme);
        return Results.Redirect("/portal/login");
    }

    private static async Task<IResult> Overview(HttpContext http, IAntiforgery antiforgery, PortalViews views, TimeProvider clock, string? notice)
    {
        var view = await views.Load(http.User.WorkspaceId(), http.User.ProviderId(), http.RequestAborted);
        if (view is null)
        {
            // A token for a provider that no longer exists (or never did in its workspace): nothing to show.
            await http.SignOutAsync(PortalAuthentication.Scheme);
            return Html(PortalPage.Login(AntiforgeryField(http, antiforgery), "This provider does not exist."), StatusCodes.Status404NotFound);
        }
        return Html(PortalPage.Overview(view, clock.GetUtcNow(), AntiforgeryField(http, antiforgery), Notice(notice)));
    }

    private static async Task<IResult> RequestReturn(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (!Guid.TryParse(form["assignment_id"], out var assignmentId))
        {
            return Results.Redirect("/portal?notice=invalid");
        }
        var provider = grains.GetGrain<IProviderGrain>(http.User.ProviderId());
        if (await provider.Get() is not { } self || self.WorkspaceId != http.User.WorkspaceId())
        {
            return Results.Redirect("/portal?notice=not-found");
        }
        var note = form["note"].ToString();
        try
        {
            var result = await provider.RequestReturn(new ReturnRequestCommand(assignmentId, form["reason"], note.Length == 0 ? null : note, http.User.Actor()));
            return Results.Redirect($"/portal?notice={result.Outcome switch
            {
                ReturnRequestOutcome.PendingReview => "requested",
                ReturnRequestOutcome.AutoApproved => "refunded",
                ReturnRequestOutcome.AlreadyRequested => "already",
                ReturnRequestOutcome.WindowClosed => "window-closed",
                _ => "not-found",
            }}");
        }
        catch (ValidationFailedException)
        {
            return Results.Redirect("/portal?notice=invalid");
        }
    }

    /// <summary>The Pause and Resume buttons: the same rules, checks and audit as the self-service API's.</summary>
    private static async Task<IResult> SetSubscriptionStatus(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, ProviderQueries queries,
        AuditLog audit, Guid id, string status)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        try
        {
            await OwnSubscriptionEndpoints.SetStatus(http, grains, queries, audit, id.ToString(), status);
            return Results.Redirect($"/portal?notice={(status == "paused" ? "paused" : "resumed")}");
        }
        catch (ApiProblemException problem) when (problem.Status == StatusCodes.Status409Conflict)
        {
            return Results.Redirect("/portal?notice=paused-for-balance");
        }
        catch (ApiProblemException)
        {
            return Results.Redirect("/portal?notice=no-subscription");
        }
    }

    /// <summary>
    /// The caps and hours form: the same rules, checks and audit as the self-service API's. A refusal
    /// shows the page again with what was wrong (the bound a value passed, in words), and changes nothing.
    /// </summary>
    private static async Task<IResult> SetControls(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, ProviderQueries queries,
        AuditLog audit, PortalViews views, TimeProvider clock, Guid id)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Forged();
        }
        var (request, unreadable) = PortalControlsForm.Read(await http.Request.ReadFormAsync(http.RequestAborted));
        if (request is null)
        {
            return await Refused(http, antiforgery, views, clock, _ => unreadable);
        }
        try
        {
            await OwnSubscriptionEndpoints.SetControls(http, grains, queries, audit, id.ToString(), request);
            return Results.Redirect("/portal?notice=controls-saved");
        }
        catch (ValidationFailedException refused)
        {
            return await Refused(http, antiforgery, views, clock, view =>
                PortalControlsForm.Refusal(refused.Errors, view.Subscriptions.FirstOrDefault(s => s.SubscriptionId == id)?.Controls?.ProviderBounds));
        }
        catch (ApiProblemException problem) when (problem.Status == StatusCodes.Status409Conflict)
        {
            return Results.Redirect("/portal?notice=controls-closed");
        }
        catch (ApiProblemException)
        {
            return Results.Redirect("/portal?notice=no-subscription");
        }
    }

    private static async Task<IResult> Refused(
        HttpContext http, IAntiforgery antiforgery, PortalViews views, TimeProvider clock, Func<PortalViews.Overview, IReadOnlyList<string>> why)
    {
        var view = await views.Load(http.User.WorkspaceId(), http.User.ProviderId(), http.RequestAborted);
        if (view is null)
        {
            return Results.Redirect("/portal");
        }
        var notice = "Your caps and hours were not saved. " + string.Join(" ", why(view));
        return Html(PortalPage.Overview(view, clock.GetUtcNow(), AntiforgeryField(http, antiforgery), notice), StatusCodes.Status400BadRequest);
    }

    /// <summary>Only known notices are shown: the query string never reaches the page as text.</summary>
    private static string? Notice(string? notice) => notice switch
    {
        "requested" => "Your return request was sent; it waits for review.",
        "refunded" => "Your return was approved and the lead's price refunded to your balance.",
        "already" => "This lead was returned before.",
        "window-closed" => "The return window of this lead has closed.",
        "not-found" => "No such lead of yours.",
        "invalid" => "The request was incomplete or invalid: choose a reason, and keep the note under 2,000 characters.",
        "paused" => "The subscription is paused: it takes no leads until you resume it.",
        "resumed" => "The subscription is active again.",
        "paused-for-balance" => "This subscription is paused until your balance covers its price; a deposit resumes it.",
        "no-subscription" => "No such subscription of yours.",
        "controls-saved" => "Your caps and hours are saved; they count from now, with what the subscription already took in the current periods.",
        "controls-closed" => "Your admin has not opened this subscription's caps and hours to you.",
        _ => null,
    };
}

using Microsoft.AspNetCore.Antiforgery;

namespace LeadGrains.Api.Pages;

/// <summary>
/// What the server-rendered pages (the ops console, the provider portal) share: the answer that
/// carries a page under a strict Content-Security-Policy (no script at all, styles inline, forms
/// only to this origin, never framed), the anti-forgery field of their forms, and the refusal of a
/// form that lacks it.
/// </summary>
public static class ServerPage
{
    private const string SecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IResult Html(string html, int status = StatusCodes.Status200OK) => new HtmlResult(html, status);

    /// <summary>The hidden field every form of the page carries: this session's anti-forgery token.</summary>
    public static string AntiforgeryField(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">";
    }

    /// <summary>A form without this session's anti-forgery token changes nothing.</summary>
    public static IResult Forged() => Results.Problem(statusCode: StatusCodes.Status400BadRequest,
        detail: "The form is missing its anti-forgery token or it does not match this session.");

    private sealed class HtmlResult(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.ContentSecurityPolicy = SecurityPolicy;
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "no-store";
            return http.Response.WriteAsync(html, http.RequestAborted);
        }
    }
}

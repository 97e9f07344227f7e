using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace LeadGrains.Api.OpsConsole;

/// <summary>
/// The console's HTML, rendered on the server: no script, every value HTML-encoded, every form
/// carrying the anti-forgery token.
/// </summary>
public static class ConsolePage
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
        header{background:#1d2330;color:#fff;padding:.8rem 1.5rem;display:flex;gap:1.5rem;align-items:center}
        header a{color:#fff} header button{color:#fff;background:transparent;border:1px solid #fff;border-radius:4px;padding:.2rem .6rem} header form{margin-left:auto}
        main{padding:1rem 1.5rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(28rem,1fr))}
        section{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:.8rem 1rem}
        h2{font-size:1.05rem;margin:.2rem 0 .6rem} table{border-collapse:collapse;width:100%;font-size:.85rem}
        td,th{border-bottom:1px solid #eceef2;padding:.3rem .4rem;text-align:left;vertical-align:top}
        .figures{display:flex;gap:1.5rem} .figure b{display:block;font-size:1.6rem} .bad{color:#b42318} .muted{color:#667085}
        button{cursor:pointer} .wide{grid-column:1/-1} textarea{width:100%;height:8rem} .notice{background:#fff4e5;padding:.5rem;border-radius:4px}
        """;

    public static string Login(string antiforgeryField, string? refusal) => Document("LeadGrains ops console — sign in", $"""
        <main><section class="wide" id="login">
        <h2>Sign in</h2>
        <p>Paste an access token of the ops or admin role from LeadGrains' identity provider (locally, the admin token
        <code>deploy/local/run.sh</code> prints). The session lasts as long as the token.</p>
        {(refusal is null ? "" : $"<p class=\"notice bad\" id=\"refusal\">{Encode(refusal)}</p>")}
        <form method="post" action="/console/login">{antiforgeryField}
        <label for="token">Access token</label><textarea id="token" name="token" autocomplete="off" required></textarea>
        <p><button type="submit" id="sign-in">Sign in</button></p></form>
        </section></main>
        """);

    public static string Denied() => Document("LeadGrains ops console — not allowed",
        """<main><section class="wide"><h2>Not allowed</h2><p>This needs the ops or admin role, and actions need a token issued after multi-factor authentication.</p><p><a href="/console">Back</a></p></section></main>""");

    /// <summary>
    /// One workspace's page. <paramref name="platformView"/> names the workspace when a platform
    /// operator looks in from <see cref="Platform"/>: read only, with the way back.
    /// </summary>
    public static string Overview(ConsoleViews.Overview view, string actor, bool canAct, string antiforgeryField, string? notice, string? platformView = null)
    {
        var html = new StringBuilder();
        var scope = platformView is null
            ? canAct ? " · MFA" : " · read only (no MFA)"
            : $" · platform view of {platformView} · read only";
        html.Append(CultureInfo.InvariantCulture, $"""
            <header><strong>LeadGrains ops console</strong>{(platformView is null ? "" : "<a href=\"/console/platform\" id=\"all-workspaces\">All workspaces</a>")}
            <span class="muted">{Encode(actor)}{Encode(scope)}</span>
            <form method="post" action="/console/logout">{antiforgeryField}<button type="submit">Sign out</button></form></header>
            <main>
            """);
        if (notice is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<section class="wide notice" id="notice">{Encode(notice)}</section>""");
        }
        var queue = view.Queue;
        html.Append(CultureInfo.InvariantCulture, $"""
            <section id="backlog"><h2>Backlog</h2><div class="figures">
            <div class="figure"><b>{queue.Depth}</b>due</div><div class="figure"><b>{queue.Active}</b>being attempted</div>
            <div class="figure"><b>{queue.FailedLastHour}</b>failed last hour</div>
            <div class="figure"><b class="{(queue.DlqSize > 0 ? "bad" : "")}">{queue.DlqSize}</b>dead letters</div></div></section>
            """);
        html.Append("""<section id="dead-letters"><h2>Dead letters</h2>""");
        if (view.DeadLetters.Count == 0)
        {
            html.Append("""<p class="muted">None open.</p>""");
        }
        else
        {
            html.Append("<table><tr><th>Lead</th><th>Error</th><th>Attempts</th><th>Failed at</th><th></th></tr>");
            foreach (var entry in view.DeadLetters)
            {
                html.Append(CultureInfo.InvariantCulture, $"""
                    <tr data-dead-letter="{entry.Id}"><td>{entry.LeadId}</td><td>{Encode(entry.ErrorMessage)}</td><td>{entry.Attempts}</td><td>{Time(entry.FailedAt.UtcDateTime)}</td><td>
                    """);
                if (canAct)
                {
                    html.Append(CultureInfo.InvariantCulture, $"""
                        <form method="post" action="/console/dead-letters/{entry.Id}/retry">{antiforgeryField}<button type="submit" class="retry">Retry</button></form>
                        <form method="post" action="/console/dead-letters/{entry.Id}/resolve">{antiforgeryField}<button type="submit" class="resolve">Resolve</button></form>
                        """);
                }
                html.Append("</td></tr>");
            }
            html.Append("</table>");
        }
        html.Append("</section>");
        html.Append("""<section id="distributions" class="wide"><h2>Recent distributions and their decisions</h2>""");
        html.Append("<table><tr><th>When</th><th>Niche</th><th>Lead</th><th>Status</th><th>Start, traversal</th><th>Chosen (level, price)</th><th>Skipped (why)</th></tr>");
        foreach (var run in view.Distributions)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{Time(run.CompletedAt)}</td><td>{Encode(run.NicheName)}</td><td>{run.LeadId}</td><td>{Encode(run.Status)}</td>
                <td>{run.StartLevelOrderPosition}: {Encode(run.Traversal)}</td><td>{Encode(run.Chosen)}</td><td>{Encode(run.Skipped)}</td></tr>
                """);
        }
        html.Append("</table></section>");
        html.Append("""<section id="reconciliation"><h2>Ledger reconciliation</h2>""");
        var reconciliation = view.Jobs.FirstOrDefault(j => j.Name == "ledger-reconciliation");
        html.Append(CultureInfo.InvariantCulture, $"""
            <p>Last run: {(reconciliation?.LastRunAt is { } at ? Time(at) : "never")} — {Encode(reconciliation?.LastOutcome ?? "no result yet")}</p>
            """);
        html.Append(view.Discrepancies.Count == 0
            ? """<p class="muted">No discrepancy reported for this workspace.</p>"""
            : "<table><tr><th>Found</th><th>Subject</th><th>Detail</th></tr>" + string.Concat(view.Discrepancies.Select(d =>
                $"<tr class=\"bad\"><td>{Time(d.CreatedAt)}</td><td>{Encode(d.TargetId ?? "")}</td><td>{Encode(d.Metadata.ToString())}</td></tr>")) + "</table>");
        html.Append("</section>");
        html.Append("""<section id="jobs"><h2>Scheduled jobs</h2><table><tr><th>Job</th><th>Runs</th><th>Last run</th><th>Outcome</th><th>Next run</th></tr>""");
        foreach (var job in view.Jobs)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{Encode(job.Name)}</td><td>{job.Runs}</td><td>{(job.LastRunAt is { } ran ? Time(ran) : "never")}</td><td>{Encode(job.LastOutcome ?? "")}</td><td>{Time(job.NextRunAt)}</td></tr>
                """);
        }
        html.Append("</table></section>");
        html.Append("""<section id="fairness" class="wide"><h2>Fairness per level (last 24 h)</h2><table><tr><th>Niche</th><th>Level</th><th>Eligible providers</th><th>Assignments</th><th>Spread (max − min)</th><th>Jain's index</th></tr>""");
        foreach (var (niche, report) in view.Fairness)
        {
            foreach (var level in report.Levels)
            {
                html.Append(CultureInfo.InvariantCulture, $"""
                    <tr><td>{Encode(niche)}</td><td>{level.OrderPosition}. {Encode(level.Name)}</td><td>{level.EligibleProviders}</td><td>{level.Assignments}</td>
                    <td>{level.Spread}</td><td>{(level.JainsIndex is { } jain ? jain.ToString("0.000", CultureInfo.InvariantCulture) : "—")}</td></tr>
                    """);
            }
        }
        html.Append("</table></section></main>");
        return Document("LeadGrains ops console", html.ToString());
    }

    /// <summary>The platform's page: every workspace with its backlog and dead letters, each opening its own (read-only) page.</summary>
    public static string Platform(IReadOnlyList<ConsoleViews.WorkspaceLine> workspaces, string actor, string antiforgeryField)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <header><strong>LeadGrains ops console</strong><a href="/dashboard/" id="dashboard">Orleans dashboard</a>
            <span class="muted">{Encode(actor)} · platform</span>
            <form method="post" action="/console/logout">{antiforgeryField}<button type="submit">Sign out</button></form></header>
            <main><section class="wide" id="workspaces"><h2>Workspaces</h2>
            <table><tr><th>Workspace</th><th>Due</th><th>Being attempted</th><th>Failed last hour</th><th>Dead letters</th></tr>
            """);
        foreach (var line in workspaces)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-workspace="{line.WorkspaceId}"><td><a href="/console/workspaces/{line.WorkspaceId}">{Encode(line.Name)}</a></td>
                <td>{line.Queue.Depth}</td><td>{line.Queue.Active}</td><td>{line.Queue.FailedLastHour}</td>
                <td class="{(line.Queue.DlqSize > 0 ? "bad" : "")}">{line.Queue.DlqSize}</td></tr>
                """);
        }
        html.Append(workspaces.Count >= ConsoleViews.WorkspacesListed
            ? $"</table><p class=\"muted\">The first {ConsoleViews.WorkspacesListed} workspaces by name.</p></section></main>"
            : "</table></section></main>");
        return Document("LeadGrains ops console — platform", html.ToString());
    }

    private static string Document(string title, string body) => $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{Encode(title)}</title>
        <meta name="viewport" content="width=device-width,initial-scale=1"><style>{Style}</style></head><body>{body}</body></html>
        """;

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);
}

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using LeadGrains.Abstractions.Returns;

namespace LeadGrains.Api.ProviderPortal;

/// <summary>
/// The portal's HTML, rendered on the server: no script, every value HTML-encoded, every form
/// carrying the anti-forgery token.
/// </summary>
public static class PortalPage
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
        header{background:#17456b;color:#fff;padding:.8rem 1.5rem;display:flex;gap:1.5rem;align-items:center}
        header button{color:#fff;background:transparent;border:1px solid #fff;border-radius:4px;padding:.2rem .6rem} header form{margin-left:auto}
        main{padding:1rem 1.5rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(30rem,1fr))}
        section{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:.8rem 1rem}
        h2{font-size:1.05rem;margin:.2rem 0 .6rem} table{border-collapse:collapse;width:100%;font-size:.85rem}
        td,th{border-bottom:1px solid #eceef2;padding:.3rem .4rem;text-align:left;vertical-align:top}
        .figure b{display:block;font-size:1.6rem} .bad{color:#b42318} .good{color:#067647} .muted{color:#667085}
        button{cursor:pointer} .wide{grid-column:1/-1} textarea{width:100%;height:8rem} .notice{background:#fff4e5;padding:.5rem;border-radius:4px}
        details form{display:flex;gap:.4rem;flex-wrap:wrap;margin-top:.3rem} input[type=text]{min-width:14rem}
        .controls-form{flex-direction:column} .controls-form input{width:8rem} .controls-form textarea{height:4rem}
        """;

    public static string Login(string antiforgeryField, string? refusal) => Document("LeadGrains provider portal — sign in", $"""
        <main><section class="wide" id="login">
        <h2>Provider portal: sign in</h2>
        <p>Paste the access token LeadGrains issued to your company (role <code>provider</code>). The session lasts as long as the token.</p>
        {(refusal is null ? "" : $"<p class=\"notice bad\" id=\"refusal\">{Encode(refusal)}</p>")}
        <form method="post" action="/portal/login">{antiforgeryField}
        <label for="token">Access token</label><textarea id="token" name="token" autocomplete="off" required></textarea>
        <p><button type="submit" id="sign-in">Sign in</button></p></form>
        </section></main>
        """);

    public static string Overview(PortalViews.Overview view, DateTimeOffset now, string antiforgeryField, string? notice)
    {
        var html = new StringBuilder();
        var provider = view.Provider;
        html.Append(CultureInfo.InvariantCulture, $"""
            <header><strong>LeadGrains provider portal</strong><span id="provider-name">{Encode(provider.Name)}</span>
            <form method="post" action="/portal/logout">{antiforgeryField}<button type="submit">Sign out</button></form></header>
            <main>
            """);
        if (notice is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<section class="wide notice" id="notice">{Encode(notice)}</section>""");
        }
        html.Append(CultureInfo.InvariantCulture, $"""
            <section id="balance"><h2>Balance</h2><div class="figure"><b id="balance-cents" data-cents="{provider.BalanceCents}">{Money(provider.BalanceCents)}</b>
            status {Encode(provider.Status)}</div></section>
            """);
        AppendSubscriptions(html, view, antiforgeryField);
        AppendLeads(html, view, now, antiforgeryField);
        AppendReturns(html, view);
        AppendLedger(html, view);
        AppendDeliveries(html, view);
        html.Append("</main>");
        return Document("LeadGrains provider portal", html.ToString());
    }

    private static void AppendSubscriptions(StringBuilder html, PortalViews.Overview view, string antiforgeryField)
    {
        html.Append("""<section id="subscriptions"><h2>Subscriptions</h2>""");
        if (view.Subscriptions.Count == 0)
        {
            html.Append("""<p class="muted">None yet.</p></section>""");
            return;
        }
        html.Append("<table><tr><th>Niche</th><th>Level</th><th>Price</th><th>States</th><th>Status</th><th>Last lead</th><th>Caps and hours</th><th></th></tr>");
        foreach (var s in view.Subscriptions)
        {
            // Paused for its balance, a subscription waits for a deposit: the provider cannot resume it itself.
            var action = s.Status switch
            {
                "active" => $"""<form method="post" action="/portal/subscriptions/{s.SubscriptionId}/pause">{antiforgeryField}<button type="submit" class="pause">Pause</button></form>""",
                "paused" => $"""<form method="post" action="/portal/subscriptions/{s.SubscriptionId}/resume">{antiforgeryField}<button type="submit" class="resume">Resume</button></form>""",
                _ => "",
            };
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-subscription="{s.SubscriptionId}"><td>{Encode(s.NicheName)}</td><td>{Encode(s.LevelName)}</td><td>{Money(s.PriceCents)}</td>
                <td>{Encode(s.States)}</td><td class="status">{Encode(s.Status)}</td><td>{(s.LastReceivedAt is { } at ? Time(at) : "never")}</td>
                <td class="controls">{Controls(s, antiforgeryField)}</td><td>{action}</td></tr>
                """);
        }
        html.Append("</table></section>");
    }

    /// <summary>
    /// A subscription's caps and hours, and the form to change them within the admin's bounds. The
    /// bounds are shown, not enforced in the browser: the server refuses what leaves them, with why.
    /// </summary>
    private static string Controls(PortalViews.Subscription s, string antiforgeryField)
    {
        if (s.Controls is not { } controls)
        {
            return "";
        }
        var caps = PortalControlsForm.CapFields
            .Where(f => PortalControlsForm.Value(controls.Caps, f.Name).Length > 0)
            .Select(f => $"{f.Label.Replace(" ($)", "", StringComparison.Ordinal)}: {(f.Money ? "$" : "")}{PortalControlsForm.Value(controls.Caps, f.Name)}")
            .ToList();
        var hours = controls.DeliveryHours is { Count: > 0 } windows ? string.Join(", ", windows.Select(w => $"{w.Day} {w.From}–{w.To}")) : "any time";
        var summary = $"""
            <span class="caps">{Encode(caps.Count == 0 ? "no caps" : string.Join("; ", caps))}</span><br>
            <span class="hours">{Encode(hours)}</span> <span class="muted">({Encode(controls.TimeZone)})</span>
            """;
        if (controls.ProviderBounds is not { } bounds)
        {
            return summary + """<br><span class="muted">set by your admin</span>""";
        }
        var fields = string.Concat(PortalControlsForm.CapFields.Select(f =>
        {
            var bound = PortalControlsForm.Bound(bounds.MaxCaps, f.Name);
            return $"""
                <label>{Encode(f.Label)} <input type="number" name="{f.Name}" step="{(f.Money ? "0.01" : "1")}" value="{PortalControlsForm.Value(controls.Caps, f.Name)}">
                <span class="muted">{(bound is null ? "optional" : $"required, at most {Encode(bound)}")}</span></label>
                """;
        }));
        var allowed = bounds.AllowedHours is { } windowsAllowed
            ? "within " + string.Join(", ", windowsAllowed.Select(w => $"{w.Day} {w.From}–{w.To}"))
            : "any; empty for any time";
        return summary + $"""
            <details class="edit-controls"><summary>Change caps and hours</summary>
            <form method="post" action="/portal/subscriptions/{s.SubscriptionId}/controls" class="controls-form">{antiforgeryField}{fields}
            <label>Delivery hours, one window a line (<code>monday 09:00-17:00</code>), {Encode(allowed)}
            <textarea name="delivery_hours" class="hours-input">{Encode(PortalControlsForm.HoursText(controls.DeliveryHours))}</textarea></label>
            <button type="submit" class="save-controls">Save caps and hours</button></form></details>
            """;
    }

    private static void AppendLeads(StringBuilder html, PortalViews.Overview view, DateTimeOffset now, string antiforgeryField)
    {
        var window = TimeSpan.FromHours(view.Rules.WindowHours);
        html.Append(CultureInfo.InvariantCulture, $"""
            <section id="leads" class="wide"><h2>Your leads</h2>
            <p class="muted">A bad lead can be returned within {view.Rules.WindowHours} hours of its delivery; an approved return refunds its price.</p>
            """);
        if (view.Leads.Count == 0)
        {
            html.Append("""<p class="muted">No leads yet.</p></section>""");
            return;
        }
        html.Append("<table><tr><th>Received</th><th>Niche, level</th><th>Price</th><th>Contact</th><th>Return</th></tr>");
        var reasons = string.Concat(view.Rules.Reasons.Select(r => $"<option value=\"{Encode(r)}\">{Encode(r.Replace('_', ' '))}</option>"));
        foreach (var lead in view.Leads)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-assignment="{lead.AssignmentId}"><td>{Time(lead.AssignedAt)}</td><td>{Encode(lead.NicheName)}, {Encode(lead.LevelName)}</td><td>{Money(lead.PriceCents)}</td>
                <td class="contact">{Encode(lead.FirstName)} {Encode(lead.LastName)}<br>{Encode(lead.Email)}<br>{Encode(lead.Phone)}</td><td>
                """);
            var windowEnds = new DateTimeOffset(DateTime.SpecifyKind(lead.AssignedAt, DateTimeKind.Utc)) + window;
            if (lead.ReturnStatus is { } status)
            {
                html.Append(CultureInfo.InvariantCulture, $"""<span class="return-status">return {Encode(status)}</span>""");
            }
            else if (now > windowEnds)
            {
                html.Append("""<span class="muted">window closed</span>""");
            }
            else
            {
                html.Append(CultureInfo.InvariantCulture, $"""
                    <details><summary>Return this lead</summary>
                    <form method="post" action="/portal/returns">{antiforgeryField}<input type="hidden" name="assignment_id" value="{lead.AssignmentId}">
                    <select name="reason" required>{reasons}</select><input type="text" name="note" maxlength="2000" placeholder="What was wrong">
                    <button type="submit" class="request-return">Request return</button></form></details>
                    """);
            }
            html.Append("</td></tr>");
        }
        html.Append("</table></section>");
    }

    private static void AppendReturns(StringBuilder html, PortalViews.Overview view)
    {
        html.Append("""<section id="returns"><h2>Return requests</h2>""");
        if (view.Returns.Count == 0)
        {
            html.Append("""<p class="muted">None.</p></section>""");
            return;
        }
        html.Append("<table><tr><th>Requested</th><th>Lead</th><th>Reason</th><th>Status</th><th>Refund</th><th>Reviewer's note</th></tr>");
        foreach (var r in view.Returns)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-return="{r.ReturnId}"><td>{Time(r.RequestedAt.UtcDateTime)}</td><td>{r.LeadId}</td><td>{Encode(r.Reason)}</td>
                <td class="status {(r.Status == "rejected" ? "bad" : r.Status == "approved" ? "good" : "")}">{Encode(StatusText(r))}</td>
                <td>{(r.RefundEntryId is null ? "—" : Money(r.PriceCents))}</td><td>{Encode(r.DecisionNote ?? "")}</td></tr>
                """);
        }
        html.Append("</table></section>");
    }

    private static void AppendLedger(StringBuilder html, PortalViews.Overview view)
    {
        html.Append("""<section id="ledger"><h2>Ledger</h2><table><tr><th>When</th><th>Kind</th><th>Amount</th><th>Balance after</th><th>Lead</th></tr>""");
        foreach (var e in view.Ledger.Items)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-entry="{e.EntryId}" class="entry-{Encode(e.Kind)}"><td>{Time(e.CreatedAt)}</td><td>{Encode(e.Kind)}</td>
                <td class="{(e.AmountCents < 0 ? "bad" : "good")}">{Money(e.AmountCents)}</td><td>{Money(e.BalanceAfterCents)}</td><td>{e.LeadId}</td></tr>
                """);
        }
        html.Append(CultureInfo.InvariantCulture, $"""</table><p class="muted">{view.Ledger.Items.Count} most recent of {view.Ledger.Total} entries.</p></section>""");
    }

    private static void AppendDeliveries(StringBuilder html, PortalViews.Overview view)
    {
        html.Append("""<section id="deliveries"><h2>Deliveries</h2>""");
        if (view.Deliveries.Count == 0)
        {
            html.Append("""<p class="muted">None yet.</p></section>""");
            return;
        }
        html.Append("<table><tr><th>Created</th><th>Lead</th><th>Channel</th><th>State</th><th>Attempts</th></tr>");
        foreach (var d in view.Deliveries)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{Time(d.CreatedAt)}</td><td>{d.LeadId}</td><td>{Encode(d.Channel)}</td><td>{Encode(d.State)}</td><td>{d.Attempts}</td></tr>
                """);
        }
        html.Append("</table></section>");
    }

    private static string StatusText(ReturnView r) => r.Status switch
    {
        "pending" when r.ReviewReason == "rate_limit" => "pending review (return-rate limit reached)",
        "pending" => "pending review",
        "approved" => "approved, refunded",
        _ => r.Status,
    };

    private static string Document(string title, string body) => $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{Encode(title)}</title>
        <meta name="viewport" content="width=device-width,initial-scale=1"><style>{Style}</style></head><body>{body}</body></html>
        """;

    private static string Money(long cents) =>
        (cents < 0 ? "−$" : "$") + (Math.Abs(cents) / 100m).ToString("#,0.00", CultureInfo.InvariantCulture);

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);
}

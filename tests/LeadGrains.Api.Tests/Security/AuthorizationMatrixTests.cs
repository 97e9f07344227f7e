using System.Net;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Tests.Endpoints;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Security;

/// <summary>
/// Every endpoint × every kind of caller × own/other workspace, with the expected status derived
/// from one table: no or bad token → 401; wrong role or no MFA → 403; another workspace's id → 404;
/// otherwise the endpoint's success.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthorizationMatrixTests(LocalApiHost host)
{
    /// <summary>Who may call an endpoint.</summary>
    public enum Access { Platform, Read, Manage, Intake, Operate, Provider, Dashboard, RoutingSource, PlatformRead, PlatformOperate }

    /// <summary>
    /// One endpoint: its method and path (placeholders name seeded ids), a body, who may call it, the
    /// statuses that count as success, and whether its path names ids another workspace cannot see.
    /// </summary>
    public sealed record Endpoint(string Method, string Path, Access Access, int[] Success, bool ScopedIds, object? Body = null, string? Csv = null);

    public static readonly IReadOnlyDictionary<string, Endpoint> Endpoints = new Dictionary<string, Endpoint>
    {
        ["create workspace"] = new("POST", "/api/v1/platform/workspaces", Access.Platform, [201], false, new { name = "matrix" }),
        ["create niche"] = new("POST", "/api/v1/admin/niches", Access.Manage, [201], false,
            new { name = "matrix-niche", levels = new[] { new { name = "Gold", order_position = 1, max_recipients = 1, price_cents = 100 } } }),
        ["list niches"] = new("GET", "/api/v1/admin/niches", Access.Read, [200], false),
        ["get niche"] = new("GET", "/api/v1/admin/niches/{niche}", Access.Read, [200], true),
        ["add level"] = new("POST", "/api/v1/admin/niches/{niche}/levels", Access.Manage, [201], true,
            new { name = "Extra", order_position = 9, max_recipients = 1, price_cents = 100 }),
        ["update level"] = new("PATCH", "/api/v1/admin/niches/{niche}/levels/{level}", Access.Manage, [200], true, new { name = "Level 1" }),
        ["create provider"] = new("POST", "/api/v1/admin/providers", Access.Manage, [201], false, new { name = "Matrix", email = "m@matrix.example.com" }),
        ["get provider"] = new("GET", "/api/v1/admin/providers/{provider}", Access.Read, [200], true),
        ["update provider"] = new("PATCH", "/api/v1/admin/providers/{provider}", Access.Manage, [200], true, new { name = "Provider 0" }),
        ["deposit"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Access.Manage, [201], true, new { amount_cents = 100 }),
        ["ledger"] = new("GET", "/api/v1/admin/providers/{provider}/ledger", Access.Read, [200], true),
        ["subscribe"] = new("POST", "/api/v1/admin/providers/{provider}/subscriptions", Access.Manage, [201], true, new { level_id = "{level2}" }),
        ["update subscription"] = new("PATCH", "/api/v1/admin/subscriptions/{subscription}", Access.Manage, [200], true, new { status = "active" }),
        ["submit lead"] = new("POST", "/api/v1/leads", Access.Intake, [201], false, "{lead-body}"),
        ["import leads"] = new("POST", "/api/v1/admin/leads/import", Access.Manage, [200], false, Csv: "lead_id,niche_id,workspace_id,state,email,phone,first_name,last_name\n"),
        ["start lead import"] = new("POST", "/api/v1/admin/lead-imports", Access.Manage, [202], false, Csv: "niche_id,state,email,phone,first_name,last_name\n"),
        ["list leads"] = new("GET", "/api/v1/admin/leads", Access.Read, [200], false),
        ["get lead"] = new("GET", "/api/v1/admin/leads/{lead}", Access.Read, [200], true),
        ["approve lead"] = new("POST", "/api/v1/admin/leads/{pending-lead}/approve", Access.Manage, [200], true),
        ["reject lead"] = new("POST", "/api/v1/admin/leads/{rejectable-lead}/reject", Access.Manage, [200], true, new { reason = "spam" }),
        ["distribute"] = new("POST", "/api/v1/admin/leads/{lead}/distribute", Access.Manage, [200, 202], true),
        ["distribution status"] = new("GET", "/api/v1/admin/leads/{lead}/distribution-status", Access.Read, [200], true),
        ["assignments"] = new("GET", "/api/v1/admin/leads/{lead}/assignments", Access.Read, [200], true),
        ["queues"] = new("GET", "/api/v1/admin/queues", Access.Read, [200], false),
        ["dead letters"] = new("GET", "/api/v1/admin/queues/dlq", Access.Read, [200], false),
        ["dead letter"] = new("GET", "/api/v1/admin/queues/dlq/{entry}", Access.Read, [200], true),
        ["retry dead letter"] = new("POST", "/api/v1/admin/queues/dlq/{entry}/retry", Access.Operate, [202, 409], true),
        ["resolve dead letter"] = new("POST", "/api/v1/admin/queues/dlq/{entry2}/resolve", Access.Operate, [200], true, new { note = "ok" }),
        ["provider me"] = new("GET", "/api/v1/provider/me", Access.Provider, [200], true),
        ["provider assignments"] = new("GET", "/api/v1/provider/assignments", Access.Provider, [200], true),
        ["provider ledger"] = new("GET", "/api/v1/provider/ledger", Access.Provider, [200], true),
        ["dashboard"] = new("GET", "/dashboard/", Access.Dashboard, [200], false),
        ["assignment deliveries"] = new("GET", "/api/v1/admin/assignments/{assignment}/deliveries", Access.Read, [200], true),
        ["dead deliveries"] = new("GET", "/api/v1/admin/deliveries/dead", Access.Read, [200], false),
        ["delivery endpoints"] = new("GET", "/api/v1/admin/deliveries/endpoints", Access.Read, [200], false),
        ["test-fire webhook"] = new("POST", "/api/v1/admin/providers/{provider}/webhook/test", Access.Manage, [200], true),
        ["get template"] = new("GET", "/api/v1/admin/templates/lead_assigned", Access.Read, [200], false),
        ["save template"] = new("PUT", "/api/v1/admin/templates/lead_assigned", Access.Manage, [200], false,
            new { subject = "New lead {{niche_name}}", text = "{{lead_email}}", html = "<p>{{lead_email}}</p>" }),
        ["preview template"] = new("POST", "/api/v1/admin/templates/lead_assigned/preview", Access.Read, [200], false),
        ["provider deliveries"] = new("GET", "/api/v1/provider/deliveries", Access.Provider, [200], true),
        ["subscription controls"] = new("GET", "/api/v1/admin/subscriptions/{subscription}/controls", Access.Read, [200], true),
        ["set subscription controls"] = new("PUT", "/api/v1/admin/subscriptions/{subscription}/controls", Access.Manage, [200], true,
            new { caps = new { leads_per_month = 1_000_000 }, provider_bounds = new { max_caps = new { leads_per_month = 1_000_000 } } }),
        ["provider time zone"] = new("PUT", "/api/v1/admin/providers/{provider}/time-zone", Access.Manage, [200], true, new { time_zone = "UTC" }),
        ["own subscription controls"] = new("GET", "/api/v1/provider/subscriptions/{subscription}/controls", Access.Provider, [200], true),
        // 409 until an admin opened the controls to the provider (the matrix runs in no fixed order).
        ["set own subscription controls"] = new("PUT", "/api/v1/provider/subscriptions/{subscription}/controls", Access.Provider, [200, 409], true,
            new { caps = new { leads_per_month = 1_000_000 } }),
        ["pause own subscription"] = new("POST", "/api/v1/provider/subscriptions/{subscription}/pause", Access.Provider, [200], true),
        ["resume own subscription"] = new("POST", "/api/v1/provider/subscriptions/{subscription}/resume", Access.Provider, [200], true),
        ["route lead"] = new("POST", "/api/v1/routing/leads", Access.RoutingSource, [202], false, "{routing-body}"),
        ["list routed leads"] = new("GET", "/api/v1/routing/leads", Access.RoutingSource, [200], false),
        ["get routed lead"] = new("GET", "/api/v1/routing/leads/{submission}", Access.RoutingSource, [200], true),
        ["list routing rules"] = new("GET", "/api/v1/platform/routing/rules", Access.PlatformRead, [200], false),
        ["get routing rule"] = new("GET", "/api/v1/platform/routing/rules/{rule}", Access.PlatformRead, [200], false),
        ["create routing rule"] = new("POST", "/api/v1/platform/routing/rules", Access.Platform, [201], false, "{rule-body}"),
        ["update routing rule"] = new("PUT", "/api/v1/platform/routing/rules/{rule}", Access.Platform, [200], false, "{rule-body}"),
        ["delete routing rule"] = new("DELETE", "/api/v1/platform/routing/rules/{deletable-rule}", Access.Platform, [204], false),
        ["routing dry run"] = new("POST", "/api/v1/platform/routing/dry-run", Access.PlatformRead, [200], false, new { attributes = new { state = "TX" } }),
        ["routing settings"] = new("GET", "/api/v1/platform/routing/settings", Access.PlatformRead, [200], false),
        // An empty body keeps the scope and the window: the matrix changes nothing other tests route by.
        ["update routing settings"] = new("PUT", "/api/v1/platform/routing/settings", Access.Platform, [200], false, new { }),
        ["close routing destination"] = new("PUT", "/api/v1/platform/routing/closed-destinations/{closable-workspace}", Access.Platform, [200], false),
        ["open routing destination"] = new("DELETE", "/api/v1/platform/routing/closed-destinations/{closable-workspace}", Access.Platform, [200], false),
        ["routing dead letters"] = new("GET", "/api/v1/platform/routing/dead-letters", Access.PlatformRead, [200], false),
        // The seeded submission is not dead-lettered: a caller past authorization reaches the state check's 409.
        ["retry routing dead letter"] = new("POST", "/api/v1/platform/routing/dead-letters/{submission}/retry", Access.PlatformOperate, [409], false),
        ["resolve routing dead letter"] = new("POST", "/api/v1/platform/routing/dead-letters/{submission}/resolve", Access.PlatformOperate, [409], false,
            new { note = "matrix" }),
        ["routing log"] = new("GET", "/api/v1/platform/routing/submissions/{submission}/log", Access.PlatformRead, [200], false),
        ["routing volume"] = new("GET", "/api/v1/platform/routing/reports/volume?by=rule", Access.PlatformRead, [200], false),
    };

    private static readonly string[] GoodCallers = ["platform_admin", "platform_ops", "platform_ops_without_mfa", "platform_source", "admin", "admin_without_mfa", "ops",
        "ops_without_mfa", "approver", "provider"];
    private static readonly string[] BadCallers = ["anonymous", "expired", "wrong_signature", "alg_none", "wrong_audience", "garbage"];

    private static bool Allowed(Access access, string caller) => access switch
    {
        Access.Platform => caller == "platform_admin",
        Access.Read => caller is "admin" or "admin_without_mfa" or "ops" or "ops_without_mfa",
        Access.Manage => caller is "admin" or "admin_without_mfa",
        Access.Intake => caller is "approver" or "admin" or "admin_without_mfa",
        Access.Operate => caller is "admin" or "admin_without_mfa" or "ops" or "ops_without_mfa",
        Access.Provider => caller == "provider",
        Access.Dashboard or Access.PlatformRead or Access.PlatformOperate => caller is "platform_admin" or "platform_ops" or "platform_ops_without_mfa",
        Access.RoutingSource => caller is "platform_source" or "approver" or "admin" or "admin_without_mfa",
        _ => false,
    };

    private static bool NeedsMfa(Access access) => access is Access.Manage or Access.Operate or Access.Dashboard or Access.PlatformOperate;

    /// <summary>The whole matrix: (endpoint, caller, scope, expected status).</summary>
    public static IEnumerable<object[]> Cases()
    {
        foreach (var (name, endpoint) in Endpoints)
        {
            foreach (var caller in BadCallers)
            {
                yield return [name, caller, "own", 401];
            }
            foreach (var caller in GoodCallers)
            {
                var allowed = Allowed(endpoint.Access, caller) && !(NeedsMfa(endpoint.Access) && caller.EndsWith("_without_mfa"));
                // A source reads only its own submissions: the seeded one is the workspace's, another source's to a platform source.
                var expected = !allowed ? 403 : endpoint.Access == Access.RoutingSource && endpoint.ScopedIds && caller == "platform_source" ? 404 : endpoint.Success[0];
                yield return [name, caller, "own", expected];
                if (endpoint.ScopedIds && endpoint.Access != Access.Platform && caller != "platform_source")
                {
                    yield return [name, caller, "other", allowed ? 404 : 403];
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_caller_gets_the_answer_its_token_allows(string endpointName, string caller, string scope, int expected)
    {
        var seed = await MatrixSeed.For(host);
        var endpoint = Endpoints[endpointName];
        var token = Token(seed, caller, scope);
        var api = new ApiDriver(host);
        var path = seed.Fill(endpoint.Path);
        var headers = endpointName == "deposit"
            ? new Dictionary<string, string> { ["Idempotency-Key"] = "matrix-deposit" }
            : new Dictionary<string, string>();
        var method = new HttpMethod(endpoint.Method);
        var answer = endpoint.Csv is not null
            ? await api.Send(method, path, token, headers: headers, rawBody: endpoint.Csv, contentType: "text/csv")
            : endpoint.Body is null ? await api.Send(method, path, token, headers: headers)
            : await api.Send(method, path, token, headers: headers, rawBody: seed.Fill(endpoint.Body));

        var allowedStatuses = expected == endpoint.Success[0] ? endpoint.Success : [expected];
        Assert.True(allowedStatuses.Contains((int)answer.Status), $"{endpoint.Method} {path} as {caller}/{scope}: expected {expected}, got {answer}");
        if ((int)answer.Status >= 400)
        {
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.Equal((int)answer.Status, answer.Json.GetProperty("status").GetInt32());
        }
        if (answer.Status == HttpStatusCode.Unauthorized)
        {
            Assert.True(answer.Response.Headers.WwwAuthenticate.Count > 0);
        }
    }

    private string? Token(MatrixSeed seed, string caller, string scope)
    {
        var tokens = host.Tokens;
        var ws = scope == "own" ? seed.Workspace : seed.OtherWorkspace;
        // "other" for a provider: a token of this workspace speaking for another workspace's provider.
        var provider = scope == "own" ? seed.Provider : seed.OtherProvider;
        return caller switch
        {
            "anonymous" => null,
            "garbage" => "not-a-jwt",
            "expired" => tokens.Expired(seed.Workspace),
            "wrong_signature" => tokens.WrongSignature(seed.Workspace),
            "alg_none" => tokens.AlgNone(seed.Workspace),
            "wrong_audience" => tokens.WrongAudience(seed.Workspace),
            "platform_admin" => tokens.Platform(),
            "platform_ops" => tokens.For(Roles.PlatformOps, null, mfa: true),
            "platform_ops_without_mfa" => tokens.For(Roles.PlatformOps, null),
            "platform_source" => tokens.For(Roles.PlatformSource, null),
            "admin" => tokens.For(Roles.Admin, ws, mfa: true),
            "admin_without_mfa" => tokens.For(Roles.Admin, ws),
            "ops" => tokens.For(Roles.Ops, ws, mfa: true),
            "ops_without_mfa" => tokens.For(Roles.Ops, ws),
            "approver" => tokens.For(Roles.Approver, ws),
            "provider" => tokens.For(Roles.Provider, seed.Workspace, provider),
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };
    }
}

/// <summary>The data the matrix runs against: one workspace with everything, and another one.</summary>
public sealed class MatrixSeed
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static MatrixSeed? seed;

    public Guid Workspace { get; private init; }
    public Guid OtherWorkspace { get; private init; }
    public Guid Provider { get; private init; }
    public Guid OtherProvider { get; private init; }
    private Dictionary<string, string> Ids { get; init; } = new();

    public static async Task<MatrixSeed> For(LocalApiHost host)
    {
        await Gate.WaitAsync();
        try
        {
            return seed ??= await Create(new ApiDriver(host));
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<MatrixSeed> Create(ApiDriver api)
    {
        var ws = await api.Workspace("matrix");
        var other = await api.Workspace("matrix-other");
        var niche = await api.Niche(ws);
        var levels = niche.Json.GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("level_id").GetGuid()).ToArray();
        var provider = await api.Provider(ws, "Provider 0", depositCents: 50_000);
        var subscription = await api.Subscribe(ws, provider, levels[0]);
        var nicheId = niche.Id("niche_id");
        var lead = await api.Lead(ws, nicheId);
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
        await api.AwaitDistribution(ws, lead);
        var assignment = (await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}/assignments", api.Tokens.Ops(ws))))
            .Json.GetProperty("items")[0].GetProperty("assignment_id").GetGuid();
        var (_, entry) = await QueueEndpointsTests.DeadLetter(api, ws, nicheId);
        var (_, entry2) = await QueueEndpointsTests.DeadLetter(api, ws, nicheId);
        // Rules no lead of any test meets: the matrix's rules route nothing.
        var ruleBody = System.Text.Json.JsonSerializer.Serialize(new
        {
            name = "matrix", condition = "attr('matrix') == 'never'", priority = -1_000, destination_workspace_id = ws, destination_niche_id = nicheId,
        });
        var rule = (await ApiDriver.Expect(HttpStatusCode.Created, api.Send(HttpMethod.Post, "/api/v1/platform/routing/rules", api.Tokens.Platform(), rawBody: ruleBody)))
            .Id("rule_id");
        var deletableRule = (await ApiDriver.Expect(HttpStatusCode.Created, api.Send(HttpMethod.Post, "/api/v1/platform/routing/rules", api.Tokens.Platform(),
            rawBody: ruleBody))).Id("rule_id");
        var routingBody = System.Text.Json.JsonSerializer.Serialize(new
        {
            source_reference = "matrix",
            contact = new { first_name = "Ada", last_name = "Lovelace", email = $"{Guid.NewGuid():N}@matrix.example.com", phone = ApiDriver.RandomPhone() },
            attributes = new { state = "WY" },
        });
        var submission = (await ApiDriver.Expect(HttpStatusCode.Accepted, api.Send(HttpMethod.Post, "/api/v1/routing/leads", api.Tokens.Approver(ws),
            rawBody: routingBody))).Id("submission_id");
        return new MatrixSeed
        {
            Workspace = ws,
            OtherWorkspace = other,
            Provider = provider,
            OtherProvider = await api.Provider(other, "Other"),
            Ids = new()
            {
                ["{niche}"] = nicheId.ToString(),
                ["{level}"] = levels[0].ToString(),
                ["{level2}"] = levels[1].ToString(),
                ["{provider}"] = provider.ToString(),
                ["{subscription}"] = subscription.ToString(),
                ["{lead}"] = lead.ToString(),
                ["{pending-lead}"] = (await api.Lead(ws, nicheId)).ToString(),
                ["{rejectable-lead}"] = (await api.Lead(ws, nicheId)).ToString(),
                ["{entry}"] = entry.ToString(),
                ["{assignment}"] = assignment.ToString(),
                ["{entry2}"] = entry2.ToString(),
                ["{lead-body}"] = System.Text.Json.JsonSerializer.Serialize(ApiDriver.LeadBody(nicheId)),
                ["{rule}"] = rule.ToString(),
                ["{deletable-rule}"] = deletableRule.ToString(),
                ["{rule-body}"] = ruleBody,
                ["{submission}"] = submission.ToString(),
                ["{routing-body}"] = routingBody,
                ["{closable-workspace}"] = (await api.Workspace("matrix-closable")).ToString(),
            },
        };
    }

    public string Fill(object body) => Fill(body as string ?? System.Text.Json.JsonSerializer.Serialize(body));

    public string Fill(string text) => Ids.Aggregate(text, (current, id) => current.Replace(id.Key, id.Value));
}

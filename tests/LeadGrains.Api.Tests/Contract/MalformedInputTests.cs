using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>
/// Bad input of every kind gets a precise problem-details answer and changes nothing: the
/// workspace's rows (audit and idempotency rows included) are identical before and after.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class MalformedInputTests(LocalApiHost host)
{
    private const string Json = "application/json";
    private const string Level = "{\"name\":\"Gold\",\"order_position\":1,\"max_recipients\":1,\"price_cents\":100}";

    private static string NicheWith(string level) => $"{{\"name\":\"n-{Guid.NewGuid():N}\",\"levels\":[{level}]}}";

    private static string LeadWith(string contact = "\"first_name\":\"Ann\",\"last_name\":\"Ames\",\"email\":\"ann@example.com\",\"phone\":\"2145550100\"",
        string attributes = "\"state\":\"TX\"", string niche = "\"{niche}\"", string extra = "") =>
        $"{{\"niche_id\":{niche},\"contact\":{{{contact}}},\"attributes\":{{{attributes}}}{extra}}}";

    // JSON escapes: a NUL character, and the first half of a surrogate pair without its second.
    private const string Nul = "\\u0000";
    private const string Unpaired = "\\ud800";

    private static string Contact(string firstName = "Ann", string lastName = "Ames", string email = "ann@example.com", string phone = "2145550100") =>
        $"\"first_name\":\"{firstName}\",\"last_name\":\"{lastName}\",\"email\":\"{email}\",\"phone\":\"{phone}\"";

    private static readonly Dictionary<string, string> Key = new() { ["Idempotency-Key"] = "malformed-key" };

    /// <summary>name, method, path, content type, body, expected status, expected error field (null: not checked).</summary>
    public sealed record Case(string Method, string Path, string ContentType, string? Body, int Status, string? Field, Dictionary<string, string>? Headers = null);

    public static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["niche: truncated JSON"] = new("POST", "/api/v1/admin/niches", Json, "{\"name\":", 400, "name"),
        ["niche: not JSON at all"] = new("POST", "/api/v1/admin/niches", Json, "name=x", 400, "body"),
        ["niche: wrong content type"] = new("POST", "/api/v1/admin/niches", "text/plain", NicheWith(Level), 415, null),
        ["niche: form content type"] = new("POST", "/api/v1/admin/niches", "application/x-www-form-urlencoded", "name=x", 415, null),
        ["niche: empty body"] = new("POST", "/api/v1/admin/niches", Json, "", 400, "body"),
        ["niche: JSON array instead of object"] = new("POST", "/api/v1/admin/niches", Json, "[]", 400, "body"),
        ["niche: JSON null"] = new("POST", "/api/v1/admin/niches", Json, "null", 400, "body"),
        ["niche: unknown field"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level).TrimEnd('}') + ",\"colour\":\"red\"}", 400, "colour"),
        ["niche: privileged workspace_id"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level).TrimEnd('}') + ",\"workspace_id\":\"{other}\"}", 400, "workspace_id"),
        ["niche: duplicate property"] = new("POST", "/api/v1/admin/niches", Json, "{\"name\":\"a\",\"name\":\"b\",\"levels\":[" + Level + "]}", 400, null),
        ["niche: missing name"] = new("POST", "/api/v1/admin/niches", Json, "{\"levels\":[" + Level + "]}", 400, "name"),
        ["niche: no levels"] = new("POST", "/api/v1/admin/niches", Json, "{\"name\":\"x\",\"levels\":[]}", 400, "levels"),
        ["niche: zero price"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level.Replace("\"price_cents\":100", "\"price_cents\":0")), 400, "levels[0].price_cents"),
        ["niche: negative price"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level.Replace("\"price_cents\":100", "\"price_cents\":-100")), 400, "levels[0].price_cents"),
        ["niche: oversize price"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level.Replace("\"price_cents\":100", "\"price_cents\":1000000000000")), 400, "levels[0].price_cents"),
        ["niche: price beyond 64 bits"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level.Replace("\"price_cents\":100", "\"price_cents\":1e30")), 400, "levels[0].price_cents"),
        ["niche: fractional price"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level.Replace("\"price_cents\":100", "\"price_cents\":99.5")), 400, "levels[0].price_cents"),
        ["niche: price as a string"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level.Replace("\"price_cents\":100", "\"price_cents\":\"100\"")), 400, "levels[0].price_cents"),
        ["niche: zero recipients"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level.Replace("\"max_recipients\":1", "\"max_recipients\":0")), 400, "levels[0].max_recipients"),
        ["niche: repeated order position"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level + "," + Level), 400, "levels"),
        ["niche: oversize body"] = new("POST", "/api/v1/admin/niches", Json, "{\"name\":\"" + new string('a', 2 * 1024 * 1024) + "\"}", 413, null),
        ["niche: id not a UUID"] = new("GET", "/api/v1/admin/niches/not-a-uuid", Json, null, 400, "niche_id"),
        ["niche: unknown id"] = new("GET", "/api/v1/admin/niches/{random}", Json, null, 404, null),
        ["niches: page size 10^6"] = new("GET", "/api/v1/admin/niches?limit=1000000", Json, null, 400, "limit"),
        ["niches: page size 0"] = new("GET", "/api/v1/admin/niches?limit=0", Json, null, 400, "limit"),
        ["niches: foreign cursor"] = new("GET", "/api/v1/admin/niches?cursor=garbage!", Json, null, 400, "cursor"),
        ["level: taken order position"] = new("POST", "/api/v1/admin/niches/{niche}/levels", Json, Level, 400, "order_position"),
        ["level: missing price"] = new("POST", "/api/v1/admin/niches/{niche}/levels", Json, "{\"name\":\"x\",\"order_position\":7,\"max_recipients\":1}", 400, "price_cents"),
        ["level: unknown level id"] = new("PATCH", "/api/v1/admin/niches/{niche}/levels/{random}", Json, "{\"name\":\"x\"}", 404, null),
        ["level: level id not a UUID"] = new("PATCH", "/api/v1/admin/niches/{niche}/levels/123", Json, "{\"name\":\"x\"}", 400, "level_id"),
        ["level: empty change"] = new("PATCH", "/api/v1/admin/niches/{niche}/levels/{level}", Json, "{}", 400, "body"),
        ["level: order position is not changeable"] = new("PATCH", "/api/v1/admin/niches/{niche}/levels/{level}", Json, "{\"order_position\":5}", 400, "order_position"),
        ["level: negative price change"] = new("PATCH", "/api/v1/admin/niches/{niche}/levels/{level}", Json, "{\"price_cents\":-1}", 400, "price_cents"),
        ["provider: bad email"] = new("POST", "/api/v1/admin/providers", Json, "{\"name\":\"P\",\"email\":\"not-an-email\"}", 400, "email"),
        ["provider: privileged balance"] = new("POST", "/api/v1/admin/providers", Json, "{\"name\":\"P\",\"email\":\"p@example.com\",\"balance_cents\":100000}", 400, "balance_cents"),
        ["provider: status on creation"] = new("POST", "/api/v1/admin/providers", Json, "{\"name\":\"P\",\"email\":\"p@example.com\",\"status\":\"inactive\"}", 400, "status"),
        ["provider: ftp webhook"] = new("POST", "/api/v1/admin/providers", Json, "{\"name\":\"P\",\"email\":\"p@example.com\",\"webhook_url\":\"ftp://x.example.com\"}", 400, "webhook_url"),
        ["provider: unknown status"] = new("PATCH", "/api/v1/admin/providers/{provider}", Json, "{\"status\":\"deleted\"}", 400, "status"),
        ["provider: balance by patch"] = new("PATCH", "/api/v1/admin/providers/{provider}", Json, "{\"balance_cents\":1}", 400, "balance_cents"),
        ["provider: id of nothing"] = new("GET", "/api/v1/admin/providers/{random}", Json, null, 404, null),
        ["deposit: no idempotency key"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Json, "{\"amount_cents\":100}", 400, "Idempotency-Key"),
        ["deposit: idempotency key too long"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Json, "{\"amount_cents\":100}", 400, "Idempotency-Key",
            new() { ["Idempotency-Key"] = new string('k', 201) }),
        ["deposit: zero amount"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Json, "{\"amount_cents\":0}", 400, "amount_cents", Key),
        ["deposit: negative amount"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Json, "{\"amount_cents\":-500}", 400, "amount_cents", Key),
        ["deposit: oversize amount"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Json, "{\"amount_cents\":1000000000000000}", 400, "amount_cents", Key),
        ["deposit: fractional amount"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Json, "{\"amount_cents\":12.5}", 400, "amount_cents", Key),
        ["deposit: missing amount"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Json, "{\"reference\":\"x\"}", 400, "amount_cents", Key),
        ["deposit: unknown provider"] = new("POST", "/api/v1/admin/providers/{random}/deposits", Json, "{\"amount_cents\":100}", 404, null, Key),
        ["ledger: page 0"] = new("GET", "/api/v1/admin/providers/{provider}/ledger?page=0", Json, null, 400, "page"),
        ["ledger: page size 10^6"] = new("GET", "/api/v1/admin/providers/{provider}/ledger?limit=1000000", Json, null, 400, "limit"),
        ["subscription: unknown level"] = new("POST", "/api/v1/admin/providers/{provider}/subscriptions", Json, "{\"level_id\":\"{random}\"}", 400, "level_id"),
        ["subscription: level id not a UUID"] = new("POST", "/api/v1/admin/providers/{provider}/subscriptions", Json, "{\"level_id\":\"gold\"}", 400, "level_id"),
        ["subscription: unknown state"] = new("POST", "/api/v1/admin/providers/{provider}/subscriptions", Json, "{\"level_id\":\"{level2}\",\"filters\":{\"states\":[\"XX\"]}}", 400, null),
        ["subscription: unknown filter"] = new("POST", "/api/v1/admin/providers/{provider}/subscriptions", Json, "{\"level_id\":\"{level2}\",\"filters\":{\"colour\":[\"red\"]}}", 400, "filters.colour"),
        ["subscription: status on creation"] = new("POST", "/api/v1/admin/providers/{provider}/subscriptions", Json, "{\"level_id\":\"{level2}\",\"status\":\"active\"}", 400, "status"),
        ["subscription: system-only status"] = new("PATCH", "/api/v1/admin/subscriptions/{subscription}", Json, "{\"status\":\"paused_insufficient_balance\"}", 400, "status"),
        ["subscription: unknown id"] = new("PATCH", "/api/v1/admin/subscriptions/{random}", Json, "{\"status\":\"paused\"}", 404, null),
        ["lead: bad email"] = new("POST", "/api/v1/leads", Json, LeadWith(contact: "\"first_name\":\"Ann\",\"last_name\":\"Ames\",\"email\":\"ann-at-example\",\"phone\":\"2145550100\""), 400, "contact.email"),
        ["lead: bad phone"] = new("POST", "/api/v1/leads", Json, LeadWith(contact: "\"first_name\":\"Ann\",\"last_name\":\"Ames\",\"email\":\"ann@example.com\",\"phone\":\"12\""), 400, "contact.phone"),
        ["lead: niche id not a UUID"] = new("POST", "/api/v1/leads", Json, LeadWith(niche: "\"abc\""), 400, "niche_id"),
        ["lead: unknown niche"] = new("POST", "/api/v1/leads", Json, LeadWith(niche: "\"{random}\""), 400, "niche_id"),
        ["lead: niche of another workspace"] = new("POST", "/api/v1/leads", Json, LeadWith(niche: "\"{other-niche}\""), 400, "niche_id"),
        ["lead: negative amount"] = new("POST", "/api/v1/leads", Json, LeadWith(attributes: "\"state\":\"TX\",\"amount_cents\":-1"), 400, "attributes.amount_cents"),
        ["lead: unknown state"] = new("POST", "/api/v1/leads", Json, LeadWith(attributes: "\"state\":\"QQ\""), 400, "attributes.state"),
        ["lead: nested attribute"] = new("POST", "/api/v1/leads", Json, LeadWith(attributes: "\"state\":\"TX\",\"extra\":{\"a\":1}"), 400, "attributes.extra"),
        ["lead: privileged status"] = new("POST", "/api/v1/leads", Json, LeadWith(extra: ",\"status\":\"approved\""), 400, "status"),
        ["lead: unknown contact field"] = new("POST", "/api/v1/leads", Json, LeadWith(contact: "\"first_name\":\"Ann\",\"last_name\":\"Ames\",\"email\":\"ann@example.com\",\"phone\":\"2145550100\",\"ssn\":\"1\""), 400, "contact.ssn"),
        ["lead: wrong content type"] = new("POST", "/api/v1/leads", "text/csv", LeadWith(), 415, null),
        ["lead: key with spaces"] = new("POST", "/api/v1/leads", Json, LeadWith(), 400, "Idempotency-Key", new() { ["Idempotency-Key"] = "two words" }),
        ["leads: page size 10^6"] = new("GET", "/api/v1/admin/leads?limit=1000000", Json, null, 400, "limit"),
        ["leads: unknown status"] = new("GET", "/api/v1/admin/leads?status=bogus", Json, null, 400, "status"),
        ["leads: niche filter not a UUID"] = new("GET", "/api/v1/admin/leads?niche_id=xyz", Json, null, 400, "niche_id"),
        ["lead: id not a UUID"] = new("GET", "/api/v1/admin/leads/12345", Json, null, 400, "lead_id"),
        ["lead: reject without reason"] = new("POST", "/api/v1/admin/leads/{lead}/reject", Json, "{}", 400, "reason"),
        ["lead: reject unknown lead"] = new("POST", "/api/v1/admin/leads/{random}/reject", Json, "{\"reason\":\"x\"}", 404, null),
        ["lead: approve unknown lead"] = new("POST", "/api/v1/admin/leads/{random}/approve", Json, null, 404, null),
        ["lead: distribute a pending lead"] = new("POST", "/api/v1/admin/leads/{lead}/distribute", Json, null, 400, "lead_id"),
        ["assignments: page size 10^6"] = new("GET", "/api/v1/admin/leads/{lead}/assignments?limit=1000000", Json, null, 400, "limit"),
        ["import: JSON instead of CSV"] = new("POST", "/api/v1/admin/leads/import", Json, "{}", 415, null),
        ["dead letters: resolved=maybe"] = new("GET", "/api/v1/admin/queues/dlq?resolved=maybe", Json, null, 400, "resolved"),
        ["dead letter: id not a UUID"] = new("GET", "/api/v1/admin/queues/dlq/abc", Json, null, 400, "id"),
        ["dead letter: retry unknown entry"] = new("POST", "/api/v1/admin/queues/dlq/{random}/retry", Json, null, 404, null),
        ["lead: NUL in first name"] = new("POST", "/api/v1/leads", Json, LeadWith(contact: Contact(firstName: "A" + Nul + "nn")), 400, "contact.first_name"),
        ["lead: unpaired surrogate in last name"] = new("POST", "/api/v1/leads", Json, LeadWith(contact: Contact(lastName: "Am" + Unpaired)), 400, "contact.last_name"),
        ["lead: NUL in email"] = new("POST", "/api/v1/leads", Json, LeadWith(contact: Contact(email: "ann" + Nul + "@example.com")), 400, "contact.email"),
        ["lead: unpaired surrogate in phone"] = new("POST", "/api/v1/leads", Json, LeadWith(contact: Contact(phone: "214555" + Unpaired)), 400, "contact.phone"),
        ["lead: NUL in state"] = new("POST", "/api/v1/leads", Json, LeadWith(attributes: "\"state\":\"T" + Nul + "\""), 400, "attributes.state"),
        ["lead: unpaired surrogate in zip"] = new("POST", "/api/v1/leads", Json, LeadWith(attributes: "\"state\":\"TX\",\"zip\":\"" + Unpaired + "\""), 400, "attributes.zip"),
        ["lead: NUL in a free-form attribute"] = new("POST", "/api/v1/leads", Json, LeadWith(attributes: "\"state\":\"TX\",\"note\":\"x" + Nul + "\""), 400, "attributes.note"),
        ["lead: unpaired surrogate in a free-form attribute's name"] = new("POST", "/api/v1/leads", Json, LeadWith(attributes: "\"state\":\"TX\",\"n" + Unpaired + "\":\"x\""), 400, "attributes"),
        ["lead: NUL in a reject reason"] = new("POST", "/api/v1/admin/leads/{lead}/reject", Json, "{\"reason\":\"spam" + Nul + "\"}", 400, "reason"),
        ["niche: NUL in name"] = new("POST", "/api/v1/admin/niches", Json, "{\"name\":\"n" + Nul + "\",\"levels\":[" + Level + "]}", 400, "name"),
        ["niche: unpaired surrogate in a level's name"] = new("POST", "/api/v1/admin/niches", Json, NicheWith(Level.Replace("Gold", "Gold" + Unpaired)), 400, "levels[0].name"),
        ["level: NUL in a new level's name"] = new("POST", "/api/v1/admin/niches/{niche}/levels", Json, "{\"name\":\"x" + Nul + "\",\"order_position\":7,\"max_recipients\":1,\"price_cents\":100}", 400, "name"),
        ["level: unpaired low surrogate in a new name"] = new("PATCH", "/api/v1/admin/niches/{niche}/levels/{level}", Json, "{\"name\":\"\\udc00x\"}", 400, "name"),
        ["provider: NUL in name"] = new("POST", "/api/v1/admin/providers", Json, "{\"name\":\"P" + Nul + "\",\"email\":\"p@example.com\"}", 400, "name"),
        ["provider: unpaired surrogate in email"] = new("POST", "/api/v1/admin/providers", Json, "{\"name\":\"P\",\"email\":\"p" + Unpaired + "@example.com\"}", 400, "email"),
        ["provider: NUL in webhook URL"] = new("POST", "/api/v1/admin/providers", Json, "{\"name\":\"P\",\"email\":\"p@example.com\",\"webhook_url\":\"https://x.example.com/" + Nul + "\"}", 400, "webhook_url"),
        ["provider: NUL in a new SMS number"] = new("PATCH", "/api/v1/admin/providers/{provider}", Json, "{\"sms_phone\":\"+1214" + Nul + "\"}", 400, "sms_phone"),
        ["deposit: NUL in reference"] = new("POST", "/api/v1/admin/providers/{provider}/deposits", Json, "{\"amount_cents\":100,\"reference\":\"w" + Nul + "\"}", 400, "reference", Key),
        ["subscription: NUL in a state filter"] = new("POST", "/api/v1/admin/providers/{provider}/subscriptions", Json, "{\"level_id\":\"{level2}\",\"filters\":{\"states\":[\"TX\",\"T" + Nul + "\"]}}", 400, "filters.states[1]"),
        ["audit: NUL in the actor filter"] = new("GET", "/api/v1/admin/audit?actor=a%00b", Json, null, 400, "actor"),
        ["audit: NUL in a query parameter's name"] = new("GET", "/api/v1/admin/audit?ac%00tor=a", Json, null, 400, "query"),
        ["no such route"] = new("GET", "/api/v1/admin/nothing-here", Json, null, 404, null),
        ["wrong method"] = new("DELETE", "/api/v1/admin/niches", Json, null, 405, null),
    };

    public static IEnumerable<object[]> Names() => Cases.Keys.Select(name => new object[] { name });

    [Fact]
    public void There_are_at_least_forty_cases() => Assert.True(Cases.Count >= 40);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Bad_input_is_refused_with_a_problem_and_changes_nothing(string name)
    {
        var seed = await Seed.For(host);
        var c = Cases[name];
        var api = new ApiDriver(host);
        var before = await Db.WorkspaceFingerprint(host, seed.Workspace);

        var answer = await api.Send(new HttpMethod(c.Method), seed.Fill(c.Path), api.Tokens.Admin(seed.Workspace),
            headers: c.Headers, rawBody: c.Body is null ? null : seed.Fill(c.Body), contentType: c.ContentType);

        Assert.True((int)answer.Status == c.Status, $"{name}: expected {c.Status}, got {answer}");
        Assert.Equal("application/problem+json", answer.ContentType);
        var problem = answer.Json;
        Assert.Equal(c.Status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        var errors = problem.GetProperty("errors");
        if (c.Field is not null)
        {
            Assert.True(errors.TryGetProperty(c.Field, out var messages) && messages.GetArrayLength() > 0, $"{name}: no error for {c.Field} in {answer.Text}");
        }
        else if (c.Status == 400)
        {
            Assert.NotEmpty(errors.EnumerateObject());
        }
        Assert.Equal(before, await Db.WorkspaceFingerprint(host, seed.Workspace));
    }

    [Fact]
    public async Task An_oversize_body_without_a_declared_length_is_cut_off_with_413()
    {
        var seed = await Seed.For(host);
        var before = await Db.WorkspaceFingerprint(host, seed.Workspace);
        using var client = host.CreateClient(host.Tokens.Admin(seed.Workspace));
        var json = System.Text.Encoding.UTF8.GetBytes("{\"name\":\"" + new string('a', 3 * 1024 * 1024) + "\",\"levels\":[]}");
        using var content = new StreamContent(new UnknownLengthStream(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await client.PostAsync("/api/v1/admin/niches", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await Db.WorkspaceFingerprint(host, seed.Workspace));
    }

    /// <summary>A stream that will not tell its length, so the client sends the body chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    private sealed class Seed
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);
        private static Seed? seed;

        public Guid Workspace { get; private init; }
        private Dictionary<string, string> Ids { get; init; } = new();

        public static async Task<Seed> For(LocalApiHost host)
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

        private static async Task<Seed> Create(ApiDriver api)
        {
            var ws = await api.Workspace("malformed");
            var other = await api.Workspace("malformed-other");
            var niche = await api.Niche(ws);
            var levels = niche.Json.GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("level_id").GetGuid()).ToArray();
            var provider = await api.Provider(ws, depositCents: 1_000);
            var nicheId = niche.Id("niche_id");
            return new Seed
            {
                Workspace = ws,
                Ids = new()
                {
                    ["{niche}"] = nicheId.ToString(),
                    ["{other-niche}"] = (await api.Niche(other)).Id("niche_id").ToString(),
                    ["{level}"] = levels[0].ToString(),
                    ["{level2}"] = levels[1].ToString(),
                    ["{provider}"] = provider.ToString(),
                    ["{subscription}"] = (await api.Subscribe(ws, provider, levels[0])).ToString(),
                    ["{lead}"] = (await api.Lead(ws, nicheId)).ToString(),
                    ["{other}"] = other.ToString(),
                    ["{random}"] = Guid.NewGuid().ToString(),
                },
            };
        }

        public string Fill(string text) => Ids.Aggregate(text, (current, id) => current.Replace(id.Key, id.Value));
    }
}

using System.Net;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LeadGrains.Api.Tests.Security;

/// <summary>The "token" command mints dev tokens the API accepts, from the configured key.</summary>
[Collection(ApiCollection.Name)]
public sealed class TokenCommandTests(LocalApiHost host)
{
    private IConfiguration Configuration => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["LeadGrains:Auth:SigningKey"] = host.Auth.SigningKey,
        ["LeadGrains:Auth:Issuer"] = host.Auth.Issuer,
        ["LeadGrains:Auth:Audience"] = host.Auth.Audience,
        ["LeadGrains:Auth:LocalMode"] = "true",
    }).Build();

    private (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = TokenCommand.Run(Configuration, args, output, error);
        return (exit, output.ToString().Trim(), error.ToString());
    }

    [Fact]
    public async Task A_minted_admin_token_with_mfa_may_change_its_workspace()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var (exit, token, _) = Run("--role", "admin", "--workspace", ws.ToString(), "--mfa", "--minutes", "5", "--sub", "cli-admin");
        Assert.Equal(0, exit);

        var created = await api.Post("/api/v1/admin/providers", token, new { name = "CLI", email = "cli@example.com" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM audit_log WHERE actor = 'cli-admin' AND workspace_id = @ws", new { ws }));
    }

    [Fact]
    public async Task A_minted_token_without_mfa_may_read_but_not_change()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var (exit, token, _) = Run("--role", "admin", "--workspace", ws.ToString());
        Assert.Equal(0, exit);

        Assert.Equal(HttpStatusCode.OK, (await api.Get("/api/v1/admin/niches", token)).Status);
        var refused = await api.Post("/api/v1/admin/providers", token, new { name = "CLI", email = "cli@example.com" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("multi-factor", refused.Str("detail"));
    }

    [Fact]
    public async Task A_minted_platform_source_token_routes_leads_without_a_workspace_and_a_workspace_role_needs_one()
    {
        var api = new ApiDriver(host);
        var (exit, token, _) = Run("--role", "platform_source", "--sub", "cli-vendor");
        Assert.Equal(0, exit);

        var submitted = await api.Post("/api/v1/routing/leads", token, new
        {
            source_reference = "cli-1",
            contact = new { first_name = "Ada", last_name = "Lovelace", email = $"{Guid.NewGuid():N}@cli.example.com", phone = ApiDriver.RandomPhone() },
            attributes = new { state = "WY" },
        });
        Assert.Equal(HttpStatusCode.Accepted, submitted.Status);
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM routing_submissions WHERE source_kind = 'client' AND source_id = 'cli-vendor'"));
        Assert.Equal(0, Run("--role", "platform_ops", "--mfa").Exit);
        Assert.Equal(2, Run("--role", "approver").Exit);
    }

    [Fact]
    public void Outside_local_mode_no_token_is_minted()
    {
        var production = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LeadGrains:Auth:SigningKey"] = host.Auth.SigningKey,
        }).Build();
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = TokenCommand.Run(production, ["--role", "platform_admin"], output, error);

        Assert.Equal(2, exit);
        Assert.Equal("", output.ToString());
        Assert.Contains("local mode", error.ToString());
    }

    [Fact]
    public void A_lifetime_beyond_the_maximum_token_age_is_refused()
    {
        Assert.Equal(2, Run("--role", "platform_admin", "--minutes", "721").Exit);
        Assert.Equal(2, Run("--role", "platform_admin", "--minutes", "0").Exit);
        Assert.Equal(0, Run("--role", "platform_admin", "--minutes", "720").Exit);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Equal(2, Run("--role", "wizard", "--workspace", Guid.NewGuid().ToString()).Exit);
        Assert.Equal(2, Run("--role", "ops").Exit);
        Assert.Equal(2, Run("--role", "admin", "--workspace", Guid.NewGuid().ToString(), "--colour", "red").Exit);
        Assert.Equal(0, Run("--role", "platform_admin").Exit);
    }
}

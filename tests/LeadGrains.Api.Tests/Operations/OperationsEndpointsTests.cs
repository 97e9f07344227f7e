using LeadGrains.Api.Auth;
using LeadGrains.Api.Tests.Infrastructure;
using System.Net;
using System.Text.Json;

namespace LeadGrains.Api.Tests.Operations;

/// <summary>The local host starts against real PostgreSQL and serves the operations endpoints.</summary>
[Collection(ApiCollection.Name)]
public sealed class OperationsEndpointsTests(LocalApiHost host)
{
    [Fact]
    public async Task Live_answers_while_the_process_is_up()
    {
        var response = await host.Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("live", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_reports_the_database_and_the_cohosted_silo_healthy()
    {
        var response = await host.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("cluster").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Dashboard_serves_its_page_to_a_platform_operator_with_mfa_outside_local_mode()
    {
        using var operatorClient = host.CreateClient(host.Tokens.For(Roles.PlatformOps, null, mfa: true));
        var response = await operatorClient.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Dashboard_is_closed_to_anonymous_callers_and_other_roles_outside_local_mode()
    {
        var anonymous = await host.Client.GetAsync("/dashboard/");
        using var approver = host.CreateClient(host.Tokens.Approver(Guid.NewGuid()));
        var forbidden = await approver.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    /// <summary>The dashboard shows every workspace's grains: a workspace's own admins and ops may not see it.</summary>
    [Fact]
    public async Task Dashboard_is_closed_to_workspace_admins_and_ops_and_to_platform_roles_without_mfa()
    {
        var workspace = Guid.NewGuid();
        using var admin = host.CreateClient(host.Tokens.Admin(workspace));
        using var ops = host.CreateClient(host.Tokens.Ops(workspace));
        using var operatorWithoutMfa = host.CreateClient(host.Tokens.For(Roles.PlatformOps, null));

        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorWithoutMfa.GetAsync("/dashboard/")).StatusCode);
    }

    [Fact]
    public async Task Metrics_serves_prometheus_text_including_orleans_meters()
    {
        var response = await host.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE ", text);
        Assert.Contains("orleans_", text);
    }

    [Fact]
    public async Task Each_request_is_logged_with_its_status_but_probes_are_not()
    {
        var marker = Guid.NewGuid();

        await host.Client.GetAsync($"/api/v1/admin/leads/{marker}");
        await host.Client.GetAsync("/health/live");

        Assert.Contains($"HTTP GET /api/v1/admin/leads/{marker} answered 401", ConsoleCapture.Text);
        Assert.DoesNotContain("HTTP GET /health/live answered", ConsoleCapture.Text);
    }
}

using System.Net;

namespace LeadGrains.Api.Tests.Operations;

/// <summary>The API with health and /metrics moved to a management address. Not beside the shared host: see <see cref="Security.RateLimitCollection"/>.</summary>
public sealed class ManagementPortApiHost : LocalApiHost
{
    public static readonly Uri Management = new("http://localhost:9464/");

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LeadGrains:ManagementUrl"] = Management.ToString(),
    };
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ManagementPortCollection : ICollectionFixture<ManagementPortApiHost>
{
    public const string Name = "management-port";
}

[Collection(ManagementPortCollection.Name)]
public sealed class ManagementPortTests(ManagementPortApiHost host)
{
    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_and_metrics_answer_on_the_management_port_only(string path)
    {
        using var management = host.CreateClientAt(ManagementPortApiHost.Management);

        var onManagement = await management.GetAsync(path);
        var onApi = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, onManagement.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
    }

    [Fact]
    public async Task The_api_still_answers_on_its_own_port()
    {
        var document = await host.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }
}

using LeadGrains.Api.Client;
using LeadGrains.Api.Client.Models;
using LeadGrains.Api.Tests.Infrastructure;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>
/// A client generated from the committed OpenAPI document (Kiota, at build time) drives a lead from
/// a new workspace to a charged assignment, and reads a refusal as the document's problem details:
/// what an integrator who only has docs/openapi.json would do.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GeneratedClientTests(LocalApiHost host)
{
    private LeadGrainsClient ClientWith(string token) =>
        new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: host.CreateClient(token)));

    [Fact]
    public async Task A_lead_goes_from_a_new_workspace_to_a_charged_assignment_through_the_generated_client()
    {
        var workspace = await ClientWith(host.Tokens.Platform()).Api.V1.Platform.Workspaces.PostAsync(new CreateWorkspaceRequest { Name = "generated-client" });
        var workspaceId = workspace!.WorkspaceId!.Value;
        var admin = ClientWith(host.Tokens.Admin(workspaceId));

        var niche = await admin.Api.V1.Admin.Niches.PostAsync(new CreateNicheRequest
        {
            Name = "Roofing",
            Levels = [new LevelRequest { Name = "Exclusive", OrderPosition = 1, MaxRecipients = 1, PriceCents = 4_500, IsActive = true }],
        });
        var provider = await admin.Api.V1.Admin.Providers.PostAsync(new CreateProviderRequest { Name = "Roofer", Email = "roofer@buyers.example.com" });
        var providerId = provider!.ProviderId!.Value.ToString();
        await admin.Api.V1.Admin.Providers[providerId].Deposits.PostAsync(new DepositRequest { AmountCents = 10_000, Reference = "wire 1" },
            request => request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()));
        await admin.Api.V1.Admin.Providers[providerId].Subscriptions.PostAsync(new CreateSubscriptionRequest
        {
            LevelId = niche!.Levels![0].LevelId,
            Filters = new SubscriptionFilters { States = ["TX"] },
        });

        var submitted = await ClientWith(host.Tokens.Approver(workspaceId)).Api.V1.Leads.PostAsync(new SubmitLeadRequest
        {
            NicheId = niche.NicheId,
            Contact = new ContactBody { FirstName = "Ada", LastName = "Lovelace", Email = $"{Guid.NewGuid():N}@leads.example.com", Phone = ApiDriver.RandomPhone() },
            Attributes = new AttributesBody { State = "TX", Zip = "75201", AmountCents = 250_000 },
        });
        var leadId = submitted!.LeadId!.Value.ToString();
        Assert.Equal("pending", submitted.Status);
        await admin.Api.V1.Admin.Leads[leadId].Approve.PostAsync();

        var status = await DistributionEnded(admin, leadId);
        Assert.Equal(("distributed", 1), (status.LeadStatus, status.AssignmentsCreated));
        var assignment = Assert.Single((await admin.Api.V1.Admin.Leads[leadId].Assignments.GetAsync())!.Items!);
        Assert.Equal((provider.ProviderId, 4_500L), (assignment.ProviderId, assignment.PriceChargedCents));
        var ledger = await admin.Api.V1.Admin.Providers[providerId].Ledger.GetAsync();
        Assert.Equal(5_500L, ledger!.Items!.OrderByDescending(e => e.CreatedAt).First().BalanceAfterCents);
    }

    [Fact]
    public async Task A_refused_request_surfaces_as_the_documented_problem_details()
    {
        var workspace = await ClientWith(host.Tokens.Platform()).Api.V1.Platform.Workspaces.PostAsync(new CreateWorkspaceRequest { Name = "generated-client-refusal" });
        var admin = ClientWith(host.Tokens.Admin(workspace!.WorkspaceId!.Value));

        var refused = await Assert.ThrowsAsync<ProblemDetails>(() => admin.Api.V1.Admin.Niches.PostAsync(new CreateNicheRequest { Name = "", Levels = [] }));

        Assert.Equal(400, refused.ResponseStatusCode);
        Assert.Equal(400, refused.Status);
        Assert.False(string.IsNullOrEmpty(refused.Title));
        Assert.Empty((await admin.Api.V1.Admin.Niches.GetAsync())!.Items!);
    }

    private static async Task<DistributionStatusResponse> DistributionEnded(LeadGrainsClient admin, string leadId)
    {
        for (var i = 0; i < 200; i++)
        {
            var status = await admin.Api.V1.Admin.Leads[leadId].DistributionStatus.GetAsync();
            if (status!.LeadStatus is "distributed" or "no_eligible")
            {
                return status;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"lead {leadId} was not distributed");
    }
}

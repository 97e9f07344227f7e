using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Workspaces;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>Builds test data through the grain interfaces, as the admin API and the approval service do. Each scenario is its own workspace.</summary>
public sealed class Scenario(IGrainFactory grains)
{
    public Guid WorkspaceId { get; } = Guid.NewGuid();

    public static async Task<Scenario> Start(IGrainFactory grains)
    {
        var scenario = new Scenario(grains);
        await grains.GetGrain<IWorkspaceGrain>(scenario.WorkspaceId).Create("test workspace");
        return scenario;
    }

    public record struct Level(int Position, int MaxRecipients, long PriceCents, bool IsActive = true);

    public Task<NicheView> Niche(params Level[] levels) =>
        grains.GetGrain<INicheGrain>(Guid.NewGuid()).Create(new CreateNicheCommand(
            WorkspaceId, "niche " + Guid.NewGuid().ToString("N")[..8],
            levels.Select(l => new LevelDefinition($"level {l.Position}", l.Position, l.MaxRecipients, l.PriceCents, l.IsActive)).ToList()));

    /// <summary>A provider with the given balance; its id is chosen so tests can control the id tie-break.</summary>
    public async Task<Guid> Provider(long balanceCents, Guid? id = null)
    {
        var providerId = id ?? Guid.NewGuid();
        var provider = grains.GetGrain<IProviderGrain>(providerId);
        await provider.Register(new RegisterProviderCommand(WorkspaceId, "provider", $"p{providerId:N}@example.com", null));
        if (balanceCents > 0)
        {
            var deposit = await provider.Deposit(new DepositCommand(balanceCents, "initial", null));
            Assert.Equal(DepositOutcome.Deposited, deposit.Outcome);
        }
        return providerId;
    }

    public Task<SubscriptionView> Subscribe(NicheView niche, Guid providerId, int levelPosition, SubscriptionFilters? filters = null) =>
        grains.GetGrain<INicheGrain>(niche.NicheId).Subscribe(providerId, LevelId(niche, levelPosition), filters ?? SubscriptionFilters.None);

    /// <summary>Sets a subscription's caps and delivery hours as an admin would (no provider bounds).</summary>
    public Task<SubscriptionControlsView> Controls(NicheView niche, Guid subscriptionId, SubscriptionCapsSpec? caps, IReadOnlyList<DeliveryWindowSpec>? hours = null) =>
        grains.GetGrain<INicheGrain>(niche.NicheId).SetControls(subscriptionId, new SubscriptionControlsSpec(caps, hours, null));

    public Task<string> TimeZone(Guid providerId, string zone) => grains.GetGrain<IProviderGrain>(providerId).SetTimeZone(WorkspaceId, zone);

    public static Guid LevelId(NicheView niche, int position) => niche.Levels.Single(l => l.OrderPosition == position).LevelId;

    public async Task<Guid> Lead(NicheView niche, string state = "TX", bool approve = true, string? zip = null,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        var leadId = Guid.NewGuid();
        var lead = grains.GetGrain<ILeadGrain>(leadId);
        var submitted = await lead.Submit(new LeadSubmission(WorkspaceId, niche.NicheId,
            new LeadContact("Ada", "Lovelace", $"{leadId:N}@example.com", $"+1{Random.Shared.Next(200, 999)}{Random.Shared.Next(1_000_000, 9_999_999)}"),
            new LeadAttributes(state, zip, null, extra ?? new Dictionary<string, string>())));
        Assert.Equal(SubmitOutcome.Accepted, submitted.Outcome);
        if (approve)
        {
            Assert.Equal(LeadCommandOutcome.Done, (await lead.Approve("test")).Outcome);
        }
        return leadId;
    }

    public Task<DistributeResult> Distribute(Guid leadId) => grains.GetGrain<ILeadGrain>(leadId).Distribute("test");

    public async Task<long> Balance(Guid providerId) => (await grains.GetGrain<IProviderGrain>(providerId).Get())!.BalanceCents;
}

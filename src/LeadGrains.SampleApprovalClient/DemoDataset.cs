using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Workspaces;

namespace LeadGrains.SampleApprovalClient;

/// <summary>
/// A fresh workspace with one niche of three levels and three providers subscribed to every level,
/// set up through the same grain interfaces an approval service uses.
/// </summary>
internal static class DemoDataset
{
    private static readonly LevelDefinition[] Levels =
    [
        new("Exclusive", OrderPosition: 1, MaxRecipients: 1, PriceCents: 30_00, IsActive: true),
        new("Shared", OrderPosition: 2, MaxRecipients: 2, PriceCents: 20_00, IsActive: true),
        new("Open", OrderPosition: 3, MaxRecipients: 3, PriceCents: 10_00, IsActive: true),
    ];

    // Charlie's deposit covers no level's price, so the demo also shows a skipped provider.
    private static readonly (string Name, long DepositCents)[] Providers =
    [
        ("Alpha Movers", 100_00),
        ("Bravo Movers", 100_00),
        ("Charlie Movers", 5_00),
    ];

    public static async Task<(Guid WorkspaceId, Guid NicheId)> Create(IGrainFactory grains)
    {
        // New ids on every run: grain keys are the entity ids, so a run never touches earlier data.
        var workspaceId = Guid.NewGuid();
        await grains.GetGrain<IWorkspaceGrain>(workspaceId).Create($"Sample approval demo {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}");

        var nicheId = Guid.NewGuid();
        var niche = await grains.GetGrain<INicheGrain>(nicheId).Create(new CreateNicheCommand(workspaceId, "movers-dallas", Levels));
        Console.WriteLine($"Demo workspace {workspaceId}, niche {nicheId} \"{niche.Name}\"");
        foreach (var level in niche.Levels)
        {
            Console.WriteLine($"  level {level.OrderPosition} {level.Name}: up to {level.MaxRecipients} recipient(s) at {Money.Format(level.PriceCents)}");
        }

        var texasOnly = new SubscriptionFilters { States = ["TX"] };
        foreach (var (name, depositCents) in Providers)
        {
            var providerId = Guid.NewGuid();
            var provider = grains.GetGrain<IProviderGrain>(providerId);
            var email = name.Split(' ')[0].ToLowerInvariant() + "@movers.example.com";
            await provider.Register(new RegisterProviderCommand(workspaceId, name, email, WebhookUrl: null));
            // The idempotency key is per provider: a retried deposit request would count once.
            var deposit = await provider.Deposit(new DepositCommand(depositCents, "demo-opening-deposit", Reference: null));
            foreach (var level in niche.Levels)
            {
                await grains.GetGrain<INicheGrain>(nicheId).Subscribe(providerId, level.LevelId, texasOnly);
            }
            Console.WriteLine($"  provider {providerId} {name}: balance {Money.Format(deposit.BalanceCents)}, subscribed to all levels (TX)");
        }
        return (workspaceId, nicheId);
    }
}

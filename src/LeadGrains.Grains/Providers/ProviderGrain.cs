using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Providers;

/// <summary>
/// One provider. Its serial turns keep its deposits and status changes in order and tell its niches
/// of each change, since they decide with its balance and status. Charges are recorded with the
/// niches' distributions, which lock the provider's row; the database's keys and checks hold even
/// if a duplicate activation slips through.
/// </summary>
public sealed class ProviderGrain(ProviderStore store, LeadGrainsTelemetry telemetry, [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock, ILogger<ProviderGrain> logger) : Grain, IProviderGrain
{
    private Guid ProviderId => this.GetPrimaryKey();

    public async Task<ProviderView> Register(RegisterProviderCommand command)
    {
        var errors = ProviderValidation.Check(command);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        var existing = await store.Find(ProviderId);
        if (existing is not null)
        {
            return existing.WorkspaceId == command.WorkspaceId
                ? existing
                : throw new ValidationFailedException("provider_id", "is already taken.");
        }
        return await store.Insert(ProviderId, command with { Email = command.Email.Trim() });
    }

    public Task<ProviderView?> Get() => store.Find(ProviderId);

    public async Task<ProviderView> Update(ProviderUpdate update)
    {
        var errors = ProviderValidation.Check(update);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        var before = await store.Find(ProviderId) ?? throw new ValidationFailedException("provider_id", "does not exist.");
        var after = (await store.Update(ProviderId, update with { Email = update.Email?.Trim() }))!;
        if (before.Status != after.Status)
        {
            await NotifyNiches();
        }
        return after;
    }

    public async Task<DepositResult> Deposit(DepositCommand command)
    {
        var errors = ProviderValidation.Check(command);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        var row = await store.Deposit(ProviderId, Guid.NewGuid(), command, Fingerprint(command), clock.GetUtcNow());
        var outcome = row.Outcome switch
        {
            "deposited" => DepositOutcome.Deposited,
            "replayed" => DepositOutcome.Replayed,
            "key_conflict" => DepositOutcome.KeyConflict,
            _ => DepositOutcome.ProviderNotFound,
        };
        telemetry.DepositRequested(outcome, command.AmountCents);
        if (outcome == DepositOutcome.Deposited)
        {
            if (row.ReactivatedSubscriptionIds.Length > 0)
            {
                logger.LogInformation("Deposit reactivated {Count} subscription(s) of provider {ProviderId}", row.ReactivatedSubscriptionIds.Length, ProviderId);
            }
            // Every niche the provider buys in decides with its balance: all of them take the new one in.
            await NotifyNiches();
        }
        return new DepositResult(outcome, row.EntryId ?? Guid.Empty, row.AmountCents, row.BalanceCents);
    }

    /// <summary>
    /// Tells every niche the provider subscribes in to re-read its subscriptions, with the
    /// provider's status and balance. One-way calls, so a niche busy distributing never
    /// deadlocks with us.
    /// </summary>
    private async Task NotifyNiches()
    {
        foreach (var (nicheId, ids) in await store.NichesOf(ProviderId))
        {
            await GrainFactory.GetGrain<INicheGrain>(nicheId).RefreshSubscriptions(ids);
        }
    }

    /// <summary>What makes two deposit requests "the same" for idempotency.</summary>
    private static string Fingerprint(DepositCommand command) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{command.AmountCents}\n{command.Reference}")));
}

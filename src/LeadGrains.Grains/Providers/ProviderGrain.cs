using System.Security.Cryptography;
using System.Text;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Domain.Providers;
using LeadGrains.Grains.Delivery;
using LeadGrains.Grains.Returns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Providers;

/// <summary>
/// One provider. Its serial turns keep its deposits and status changes in order and tell its niches
/// of each change, since they decide with its balance and status. Charges are recorded with the
/// niches' distributions, which lock the provider's row; the database's keys and checks hold even
/// if a duplicate activation slips through.
/// </summary>
public sealed class ProviderGrain(
    ProviderStore store,
    WebhookAddressGuard webhookGuard,
    IOptions<DeliveryOptions> deliveryOptions,
    LeadGrainsTelemetry telemetry,
    ProviderReturns returns,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<ProviderGrain> logger) : Grain, IProviderGrain
{
    private Guid ProviderId => this.GetPrimaryKey();

    public async Task<ProviderView> Register(RegisterProviderCommand command)
    {
        var errors = ProviderValidation.Check(command);
        await CheckWebhookAddress(command.WebhookUrl, errors);
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
        var secret = command.WebhookUrl is null ? null : WebhookSecrets.Create();
        return await store.Insert(ProviderId, command with { Email = command.Email.Trim() }, secret);
    }

    public Task<ProviderView?> Get() => store.Find(ProviderId);

    public async Task<ProviderView> Update(ProviderUpdate update)
    {
        var errors = ProviderValidation.Check(update);
        if (update.WebhookUrl is not "")
        {
            await CheckWebhookAddress(update.WebhookUrl, errors);
        }
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        var before = await store.Find(ProviderId) ?? throw new ValidationFailedException("provider_id", "does not exist.");
        var after = (await store.Update(ProviderId, update with { Email = update.Email?.Trim() }, WebhookSecrets.Create()))!;
        if (before.Status != after.Status)
        {
            await NotifyNiches();
        }
        return after;
    }

    public async Task<WebhookSecretRotation> RotateWebhookSecret(TimeSpan? overlap)
    {
        var window = overlap ?? deliveryOptions.Value.SecretRotationOverlap;
        if (window < TimeSpan.Zero || window > TimeSpan.FromDays(7))
        {
            throw new ValidationFailedException("overlap_hours", "must be between 0 and 168 hours.");
        }
        var secret = WebhookSecrets.Create();
        var previousExpiresAt = clock.GetUtcNow() + window;
        if (!await store.RotateWebhookSecret(ProviderId, secret, previousExpiresAt))
        {
            throw new ValidationFailedException("webhook_url", "is not set: there is no webhook secret to rotate.");
        }
        logger.LogInformation("Webhook secret of provider {ProviderId} rotated; the previous one signs until {PreviousSecretExpiresAt}", ProviderId, previousExpiresAt);
        return new WebhookSecretRotation(secret, previousExpiresAt);
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

    public async Task<string> SetTimeZone(Guid workspaceId, string timeZone)
    {
        if (Domain.Controls.CapPeriods.Zone(timeZone) is null)
        {
            throw new ValidationFailedException("time_zone", "must be an IANA time zone name, e.g. \"America/Chicago\".");
        }
        if (!await store.SetTimeZone(ProviderId, workspaceId, timeZone, clock.GetUtcNow()))
        {
            throw new ValidationFailedException("provider_id", "does not name a provider of this workspace.");
        }
        // Its niches count caps and hours in its zone: they take the new one, and the recounted periods, in.
        await NotifyNiches();
        return timeZone;
    }

    public async Task<ReturnRequestResult> RequestReturn(ReturnRequestCommand command)
    {
        var requested = await returns.Request(ProviderId, command);
        if (requested.Refunded)
        {
            await NotifyNiches();
        }
        return requested.Result;
    }

    public async Task<ReturnDecisionResult> DecideReturn(ReturnDecisionCommand command)
    {
        var decided = await returns.Decide(ProviderId, command);
        if (decided.Refunded)
        {
            // A refund raises the balance as a deposit does: every niche the provider buys in takes the new one in.
            await NotifyNiches();
        }
        return decided.Result;
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

    /// <summary>The SSRF guard, at registration: the URL's scheme and every address its host resolves to.</summary>
    private async Task CheckWebhookAddress(string? url, Dictionary<string, string[]> errors)
    {
        if (url is not null && !errors.ContainsKey("webhook_url") && await webhookGuard.Refusal(url) is { } refusal)
        {
            errors["webhook_url"] = [refusal];
        }
    }

    /// <summary>What makes two deposit requests "the same" for idempotency.</summary>
    private static string Fingerprint(DepositCommand command) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{command.AmountCents}\n{command.Reference}")));
}

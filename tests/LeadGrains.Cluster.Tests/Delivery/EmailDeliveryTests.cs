using LeadGrains.Abstractions.Providers;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Delivery;
using MimeKit;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>E-mail to the real SMTP server test.sh starts (aiosmtpd), read back from its Maildir.</summary>
[Collection(DeliveryCollection.Name)]
public sealed class EmailDeliveryTests(DeliveryClusterFixture fixture)
{
    [Fact]
    public async Task The_lead_assigned_email_reaches_the_providers_address_with_its_subject_variables_and_both_parts()
    {
        var maildir = DeliveryClusterFixture.SmtpMaildir;
        Assert.False(string.IsNullOrEmpty(maildir), "LEADGRAINS_SMTP_MAILDIR is set (deploy/local/test.sh starts the SMTP server)");
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 2_550));
        var providerId = Guid.NewGuid();
        var address = $"buyer-{providerId:N}@example.com";
        var provider = fixture.Grains.GetGrain<IProviderGrain>(providerId);
        await provider.Register(new RegisterProviderCommand(s.WorkspaceId, "Dallas Movers LLC", address, null));
        await provider.Deposit(new DepositCommand(10_000, "initial", null));
        await s.Subscribe(niche, providerId, 1);
        var lead = await s.Lead(niche, zip: "75201", extra: new Dictionary<string, string> { ["move_size"] = "3 bedrooms" });
        await s.Distribute(lead);

        var delivery = await Eventually.Value(async () => (await fixture.Deliveries(providerId)).SingleOrDefault(d => d.State == "delivered"),
            "the e-mail was accepted by the SMTP server");
        Assert.Equal("email", delivery.Channel);
        var message = await Eventually.Value(() => Task.FromResult(Find(maildir!, EmailChannel.MessageId(delivery.Id))), "the message is in the mailbox");

        Assert.Equal(address, message.To.Mailboxes.Single().Address);
        Assert.Equal($"New Lead Assigned - {niche.Name}", message.Subject);
        Assert.NotNull(message.TextBody);
        Assert.NotNull(message.HtmlBody);
        foreach (var part in new[] { message.TextBody!, message.HtmlBody! })
        {
            Assert.Contains("Dallas Movers LLC", part);
            Assert.Contains("level 1", part);
            Assert.Contains("$25.50", part);
            Assert.Contains($"{lead:N}@example.com", part);
            Assert.Contains("Lovelace", part);
            Assert.Contains("75201", part);
            Assert.Contains("move_size: 3 bedrooms", part);
            Assert.Contains("/api/v1/provider/assignments", part);
            Assert.Contains(delivery.AssignmentId.ToString(), part);
        }
    }

    private static MimeMessage? Find(string maildir, string messageId)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(maildir, "new")))
        {
            var message = MimeMessage.Load(file);
            if (message.MessageId == messageId)
            {
                return message;
            }
        }
        return null;
    }
}

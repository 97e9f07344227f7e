using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Domain.Delivery;
using LeadGrains.Grains.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>
/// The e-mail channel's connections to the real SMTP server test.sh starts (aiosmtpd), reached
/// through a relay that counts the connections made and can drop them: messages sent in a row share
/// one connection, and a dropped or expired one is replaced without losing the message.
/// </summary>
public sealed class SmtpConnectionReuseTests : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private DroppableTcpRelay _relay = null!;
    private SmtpConnections _connections = null!;
    private EmailChannel _channel = null!;

    public Task InitializeAsync()
    {
        Assert.False(string.IsNullOrEmpty(DeliveryClusterFixture.SmtpMaildir), "LEADGRAINS_SMTP_MAILDIR is set (deploy/local/test.sh starts the SMTP server)");
        _relay = new DroppableTcpRelay(int.Parse(DeliveryClusterFixture.SmtpPort ?? "2525"));
        var options = Options.Create(new DeliveryOptions
        {
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = _relay.Port, UseTls = false, IdleTimeout = IdleTimeout },
        });
        var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _connections = new SmtpConnections(options, _clock, new DeliveryTelemetry(metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        _channel = new EmailChannel(options, _connections, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _connections.DisposeAsync();
        await _relay.DisposeAsync();
    }

    [Fact]
    public async Task Messages_sent_in_a_row_share_one_connection()
    {
        var sent = new List<DeliveryWork>();
        for (var i = 0; i < 4; i++)
        {
            var work = Work();
            Assert.Equal(AttemptOutcome.Accepted, (await _channel.Send(work, CancellationToken.None)).Outcome);
            sent.Add(work);
            _clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(1, _connections.Opened);
        Assert.Equal(1, _relay.Accepted);
        foreach (var work in sent)
        {
            await Eventually.Value(() => Task.FromResult(InMailbox(work)), "each message is in the mailbox");
        }
    }

    [Fact]
    public async Task A_message_on_a_dropped_connection_goes_out_on_a_new_one()
    {
        Assert.Equal(AttemptOutcome.Accepted, (await _channel.Send(Work(), CancellationToken.None)).Outcome);
        _relay.DropAll();

        var afterDrop = Work();
        var result = await _channel.Send(afterDrop, CancellationToken.None);

        Assert.Equal(AttemptOutcome.Accepted, result.Outcome);
        Assert.Equal(2, _connections.Opened);
        Assert.Equal(2, _relay.Accepted);
        await Eventually.Value(() => Task.FromResult(InMailbox(afterDrop)), "the message sent after the drop is in the mailbox");
    }

    [Fact]
    public async Task A_connection_unused_for_the_idle_timeout_is_closed_and_the_next_message_opens_another()
    {
        Assert.Equal(AttemptOutcome.Accepted, (await _channel.Send(Work(), CancellationToken.None)).Outcome);

        _clock.Advance(IdleTimeout + TimeSpan.FromSeconds(1));
        var later = Work();
        Assert.Equal(AttemptOutcome.Accepted, (await _channel.Send(later, CancellationToken.None)).Outcome);

        Assert.Equal(2, _connections.Opened);
        await Eventually.Value(() => Task.FromResult(InMailbox(later)), "the later message is in the mailbox");
    }

    private static DeliveryWork Work() => new()
    {
        DeliveryId = Guid.NewGuid(), AssignmentId = Guid.NewGuid(), Channel = "email", ProviderId = Guid.NewGuid(), LeadId = Guid.NewGuid(),
        NicheId = Guid.NewGuid(), Attempt = 1, PriceCents = 2_550, LevelName = "level 1", NicheName = "Movers", ProviderName = "Dallas Movers LLC",
        ProviderEmail = "buyer@example.com", FirstName = "Ada", LastName = "Lovelace", Email = "ada@example.com", Phone = "+15550100", State = "TX",
    };

    private static MimeMessage? InMailbox(DeliveryWork work)
    {
        var messageId = EmailChannel.MessageId(work.DeliveryId);
        return Directory.EnumerateFiles(Path.Combine(DeliveryClusterFixture.SmtpMaildir!, "new"))
            .Select(file => MimeMessage.Load(file))
            .FirstOrDefault(message => message.MessageId == messageId);
    }
}

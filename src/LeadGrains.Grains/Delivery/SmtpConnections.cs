using System.Collections.Concurrent;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// The silo's open connections to the SMTP server. Opening one (TCP, greeting, EHLO, STARTTLS, login)
/// costs several round trips; messages sent in a row take a connection a previous message left open.
/// At most <see cref="SmtpOptions.IdleConnections"/> wait unused, each for at most
/// <see cref="SmtpOptions.IdleTimeout"/>; a connection is used by one message at a time.
/// </summary>
public sealed class SmtpConnections : IAsyncDisposable
{
    private readonly IOptions<DeliveryOptions> _options;
    private readonly TimeProvider _clock;
    private readonly DeliveryTelemetry _telemetry;
    // Most recently used on top: the ones below age out when fewer are needed.
    private readonly ConcurrentStack<(SmtpClient Client, DateTimeOffset IdleSince)> _idle = new();
    private readonly ITimer _closeIdle;
    private long _opened;

    public SmtpConnections(IOptions<DeliveryOptions> options, [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock, DeliveryTelemetry telemetry)
    {
        _options = options;
        _clock = clock;
        _telemetry = telemetry;
        var idleTimeout = options.Value.Smtp.IdleTimeout;
        _closeIdle = clock.CreateTimer(_ => _ = CloseIdle(), null, idleTimeout, idleTimeout);
    }

    /// <summary>Connections opened since the silo started.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>A connection nobody else is using: one left open (Reused) if there is a live one, else a new one.</summary>
    public async Task<(SmtpClient Client, bool Reused)> Take(CancellationToken cancellationToken)
    {
        var smtp = _options.Value.Smtp;
        while (_idle.TryPop(out var idle))
        {
            if (idle.Client.IsConnected && _clock.GetUtcNow() - idle.IdleSince < smtp.IdleTimeout)
            {
                return (idle.Client, true);
            }
            await Close(idle.Client);
        }
        var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password, cancellationToken);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
        Interlocked.Increment(ref _opened);
        _telemetry.SmtpConnectionOpened();
        return (client, false);
    }

    /// <summary>Hands back a connection whose message went through, for the next message (or closes it if enough wait).</summary>
    public void Return(SmtpClient client)
    {
        if (client.IsConnected && _idle.Count < _options.Value.Smtp.IdleConnections)
        {
            _idle.Push((client, _clock.GetUtcNow()));
        }
        else
        {
            _ = Close(client);
        }
    }

    /// <summary>Drops a connection a message failed on: its state is unknown, the next message gets another.</summary>
    public static void Discard(SmtpClient client) => client.Dispose();

    private async Task CloseIdle()
    {
        var keep = new List<(SmtpClient, DateTimeOffset)>();
        while (_idle.TryPop(out var idle))
        {
            if (_clock.GetUtcNow() - idle.IdleSince < _options.Value.Smtp.IdleTimeout)
            {
                keep.Add(idle);
            }
            else
            {
                await Close(idle.Client);
            }
        }
        // Back in their order, most recently used on top.
        for (var i = keep.Count - 1; i >= 0; i--)
        {
            _idle.Push(keep[i]);
        }
    }

    /// <summary>Says QUIT if the server still listens, then lets the connection go.</summary>
    private static async Task Close(SmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                using var quitTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(quit: true, quitTimeout.Token);
            }
        }
        catch (Exception)
        {
            // Closing anyway: a server that went away or does not answer QUIT needs nothing more.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closeIdle.DisposeAsync();
        while (_idle.TryPop(out var idle))
        {
            await Close(idle.Client);
        }
    }
}

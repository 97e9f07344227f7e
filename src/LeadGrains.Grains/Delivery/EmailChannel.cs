using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// Sends the <c>lead_assigned</c> e-mail (text and HTML parts) to the provider's address over SMTP with
/// MailKit, on a connection of <see cref="SmtpConnections"/>. Its Message-ID is the delivery's id on
/// every try, so a mailbox can drop repeats. 4xx SMTP replies and network errors are retried; 5xx
/// replies (a refused recipient, say) are not.
/// </summary>
public sealed class EmailChannel(IOptions<DeliveryOptions> options, SmtpConnections connections,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock) : IDeliveryChannel
{
    public string Name => "email";

    public async Task<AttemptResult> Send(DeliveryWork work, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            return AttemptResult.Retryable("no SMTP server is configured (LeadGrains:Delivery:Smtp:Host)");
        }
        var rendered = LeadAssignedMessage.Render(work, options.Value.SelfServiceUrl);
        var message = new MimeMessage
        {
            MessageId = MessageId(work.DeliveryId),
            Subject = rendered.Subject,
            Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody(),
        };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(new MailboxAddress(work.ProviderName, work.ProviderEmail));
        message.Headers.Add("X-LeadGrains-Assignment", work.AssignmentId.ToString());

        using var timeout = new CancellationTokenSource(options.Value.AttemptTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            while (true)
            {
                var (client, reused) = await connections.Take(linked.Token);
                try
                {
                    await client.SendAsync(message, linked.Token);
                    connections.Return(client);
                    return AttemptResult.Accepted(250);
                }
                catch (Exception error) when (reused && IsConnectionLost(error) && !linked.IsCancellationRequested)
                {
                    // A connection left open may have been closed by the server meanwhile: the same
                    // message goes again on a new one (same Message-ID, so at worst a repeat).
                    SmtpConnections.Discard(client);
                }
                catch
                {
                    SmtpConnections.Discard(client);
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return AttemptResult.Retryable($"timed out after {options.Value.AttemptTimeout.TotalSeconds} s");
        }
        catch (SmtpCommandException error) when ((int)error.StatusCode >= 500)
        {
            return AttemptResult.Permanent($"SMTP {(int)error.StatusCode}: {error.ErrorCode}", (int)error.StatusCode);
        }
        catch (SmtpCommandException error)
        {
            return AttemptResult.Retryable($"SMTP {(int)error.StatusCode}: {error.ErrorCode}", (int)error.StatusCode);
        }
        catch (Exception error) when (IsConnectionLost(error) || error is SslHandshakeException)
        {
            return AttemptResult.Retryable(error.GetType().Name + ": " + error.Message);
        }
    }

    private static bool IsConnectionLost(Exception error) =>
        error is SmtpProtocolException or ServiceNotConnectedException or System.Net.Sockets.SocketException or IOException;

    /// <summary>The Message-ID of a delivery (without angle brackets).</summary>
    public static string MessageId(Guid deliveryId) => $"{deliveryId:N}@leadgrains";
}

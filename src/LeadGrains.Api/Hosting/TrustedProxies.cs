using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace LeadGrains.Api.Hosting;

/// <summary>
/// Behind a load balancer or reverse proxy every request comes from the proxy's address, so the
/// per-client rate limits would key on it and one client could exhaust everyone's budget. The
/// proxies named in <c>LeadGrains:ForwardedHeaders:TrustedProxies</c> (addresses or CIDR ranges)
/// are believed about the client they forward for (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>);
/// nobody else is, and with none named (the default, also on loopback) the headers are ignored:
/// a client must not choose its own rate-limit key.
/// </summary>
public static class TrustedProxies
{
    public const string Section = "LeadGrains:ForwardedHeaders:TrustedProxies";

    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var trusted = builder.Configuration.GetSection(Section).Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var entry in trusted)
            {
                if (IPAddress.TryParse(entry, out var address))
                {
                    options.KnownProxies.Add(address);
                }
                else if (System.Net.IPNetwork.TryParse(entry, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else
                {
                    throw new InvalidOperationException($"{Section}: '{entry}' is neither an address nor a CIDR range.");
                }
            }
            // Each trusted proxy in a chain adds one address; the client's is the first untrusted one from the right.
            options.ForwardLimit = null;
        });
        return builder;
    }
}

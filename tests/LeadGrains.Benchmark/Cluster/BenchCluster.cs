using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Dapper;
using LeadGrains.Benchmark.Measuring;
using LeadGrains.Hosting;
using LeadGrains.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace LeadGrains.Benchmark.Cluster;

/// <summary>
/// The cluster under test: a silo co-hosted in this process, or N LeadGrains.Silo processes with
/// this process as their Orleans client (as the approval service would be). Either way the silos
/// run the production configuration (<c>AddLeadGrainsSilo</c>), with auto-distribution switched
/// off so the benchmark's own Distribute call does the work, logs at Warning, and delivery off unless
/// it is measured (<c>--delivery</c>).
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<Process> _silos;

    private BenchCluster(IHost host, List<Process> silos)
    {
        _host = host;
        _silos = silos;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IReadOnlyList<int> SiloPids => _silos.Select(p => p.Id).ToList();

    /// <summary>A key to seal the run's webhook secrets with, made for the run like its database.</summary>
    public static string NewWebhookSecretsKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <param name="webhookSink">Where every provider's webhook goes when delivery is measured; null: delivery off.</param>
    /// <param name="webhookSecretsKey">The key the silos seal and open the stored webhook secrets with.</param>
    public static async Task<BenchCluster> Start(BenchDatabase database, string? connectionOptions, int siloProcesses, string? siloDll, string logDirectory,
        string? webhookSink, string webhookSecretsKey)
    {
        var clusterId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:LeadGrains"] = string.IsNullOrWhiteSpace(connectionOptions)
                ? database.AppConnectionString : database.AppConnectionString + ";" + connectionOptions,
            ["LeadGrains:ClusterId"] = clusterId,
            ["LeadGrains:ServiceId"] = "leadgrains-bench",
            ["LeadGrains:MigrateOnStart"] = "false",
            ["LeadGrains:Distribution:AutoDistribute"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["LeadGrains:Delivery:Enabled"] = webhookSink is null ? "false" : "true",
            ["LeadGrains:Delivery:SecretKeys:0"] = webhookSecretsKey,
            // Loopback only, and the figures in docs/PERFORMANCE.md were measured without TLS; what
            // mutual TLS costs a multi-silo cluster is still to be measured.
            ["LeadGrains:Tls:Enabled"] = "false",
        };
        if (webhookSink is not null)
        {
            settings["LeadGrains:Delivery:AllowHttpWebhooks"] = "true";
            settings["LeadGrains:Delivery:AllowedWebhookAddresses:0"] = "127.0.0.1";
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        // A setting to try without editing src, e.g. LeadGrains__Distribution__CommitLanes=1.
        builder.Configuration.AddEnvironmentVariables();
        builder.AddLeadGrainsObservability("leadgrains-bench");
        // From the settings above (cluster id, no migration, no TLS); the ports are set below.
        var options = LeadGrainsClusterOptions.From(builder.Configuration);
        var silos = new List<Process>();

        if (siloProcesses == 0)
        {
            options.SiloPort = FreePort();
            options.GatewayPort = FreePort();
            builder.AddLeadGrainsSiloHost(options);
        }
        else
        {
            var dll = siloDll ?? throw new ArgumentException("--silos needs the LeadGrains.Silo.dll (--silo-dll)");
            Directory.CreateDirectory(logDirectory);
            for (var i = 1; i <= siloProcesses; i++)
            {
                var arguments = settings.Select(s => $"--{s.Key}={s.Value}").Concat(
                [
                    $"--LeadGrains:SiloPort={FreePort()}", $"--LeadGrains:GatewayPort={FreePort()}",
                    "--urls", $"http://127.0.0.1:{FreePort()}", "--contentRoot", Path.GetDirectoryName(Path.GetFullPath(dll))!,
                ]);
                silos.Add(StartSilo(dll, arguments, Path.Combine(logDirectory, $"silo-{i}.log")));
            }
            await WaitForActiveSilos(database, clusterId, siloProcesses, silos, logDirectory);
            builder.UseOrleansClient(client => client.AddLeadGrainsClient(options));
        }

        var host = builder.Build();
        await host.StartAsync();
        return new BenchCluster(host, silos);
    }

    public IReadOnlyList<ProcessUsage> SiloUsage() =>
        _silos.Select((p, i) => ProcessUsage.Read(p.Id, $"silo-{i + 1}")).OfType<ProcessUsage>().ToList();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(30));
        _host.Dispose();
        foreach (var silo in _silos.Where(s => !s.HasExited))
        {
            _ = Kill(silo.Id, SigTerm); // silos leave the cluster gracefully on SIGTERM
        }
        foreach (var silo in _silos)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await silo.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                silo.Kill();
            }
            silo.Dispose();
        }
    }

    private static Process StartSilo(string dll, IEnumerable<string> arguments, string log)
    {
        // exec keeps the pid, so /proc/<pid> is the silo's own.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$LG_BENCH_SILO_LOG\" 2>&1");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["LG_BENCH_SILO_LOG"] = log;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start a silo process");
    }

    private static async Task WaitForActiveSilos(BenchDatabase database, string clusterId, int expected, List<Process> silos, string logDirectory)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        for (var waited = 0; waited < 120; waited++)
        {
            if (silos.FirstOrDefault(s => s.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"silo process {dead.Id} exited early (exit code {dead.ExitCode}); see {logDirectory}");
            }
            var active = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @clusterId AND status = 3", new { clusterId });
            if (active >= expected)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException($"{expected} silo(s) did not become active within 120 s; see {logDirectory}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Forwards TCP connections from a local port to a real server, and can cut every connection it
/// carries at once, as a server or network that drops idle clients does.
/// </summary>
public sealed class DroppableTcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _carried = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public DroppableTcpRelay(int serverPort)
    {
        _listener.Start();
        _accepting = Accept(serverPort);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Closes every connection carried now, on both sides.</summary>
    public void DropAll()
    {
        foreach (var (client, server) in _carried)
        {
            client.Client.Close(0);
            server.Client.Close(0);
            _carried.TryRemove(client, out _);
        }
    }

    private async Task Accept(int serverPort)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Accepted++;
            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, serverPort);
            _carried[client] = server;
            _ = Pump(client.GetStream(), server.GetStream());
            _ = Pump(server.GetStream(), client.GetStream());
        }
    }

    private static async Task Pump(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to);
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or SocketException)
        {
            // The relay cut the connection (DropAll) or a side closed it: this direction is over.
        }
        finally
        {
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        DropAll();
    }
}

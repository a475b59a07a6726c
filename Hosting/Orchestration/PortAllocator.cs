using System.Net;
using System.Net.Sockets;

namespace DistributedTracing.Hosting.Orchestration;

/// <summary>
/// Loopback ports for resources. A port is chosen now and bound seconds later, when its resource starts;
/// a port from the kernel's ephemeral range could meanwhile be taken by any outgoing connection (a
/// service's connection to Postgres, say). So ports are drawn at random from below that range, and
/// checked free.
/// </summary>
internal static class PortAllocator
{
    private const int LowestPort = 15_000;

    public static int FreePort()
    {
        var ephemeralStart = EphemeralRangeStart();
        if (ephemeralStart - LowestPort > 1_000)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(LowestPort, ephemeralStart);
                if (IsPortFree(port))
                {
                    return port;
                }
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return 32_768; // Linux's default
        }
    }
}

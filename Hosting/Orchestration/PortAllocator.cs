using System.Net;
using System.Net.Sockets;

namespace DistributedTracing.Hosting.Orchestration;

/// <summary>Loopback ports: a free one picked by the system, or a check that a fixed one is free.</summary>
internal static class PortAllocator
{
    public static int FreePort()
    {
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
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ECommerce.Api.Tests.Infrastructure;

/// <summary>Ports for listeners the tests start themselves (a cluster node's silo and gateway, chromedriver, the data
/// platform). A child process binds its port seconds after the test chose it. A port bound as 0 and released comes from
/// the kernel's ephemeral range, which every outgoing connection on the machine draws from too, so one could take it in
/// between; these come from below that range, where only a listener asking for the number gets it. Each is handed out
/// once per test process, from an offset of its own, and was free when handed out. Where the range cannot be read, or
/// leaves no room below it, a port bound as 0 is the fallback.</summary>
internal static class FreePorts
{
    private const int Lowest = 10_000;

    private static readonly int Highest = EphemeralRangeStart() - 1;

    private static int _counter = Environment.ProcessId * 61;

    public static int Next()
    {
        var span = Highest - Lowest + 1;
        if (span < 1_000)
        {
            return AnyFree();
        }

        for (var tried = 0; tried < span; tried++)
        {
            var candidate = Lowest + (int)((uint)Interlocked.Increment(ref _counter) % (uint)span);
            if (IsFree(candidate))
            {
                return candidate;
            }
        }

        return AnyFree();
    }

    private static bool IsFree(int port)
    {
        // Any interface: a silo listens on all of them.
        using var listener = new TcpListener(IPAddress.Any, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static int AnyFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of Linux's ephemeral range (<c>ip_local_port_range</c>); 0 when it cannot be read.</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ECommerce.Api.Tests.Infrastructure;

public sealed class FreePortsTests
{
    [Fact]
    public void PortsAreDistinctBindableAndBelowTheEphemeralRange()
    {
        var ports = Enumerable.Range(0, 50).Select(_ => FreePorts.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        Assert.All(ports, port => Assert.InRange(port, 10_000, ephemeralStart - 1));
        foreach (var port in ports)
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
        }
    }
}

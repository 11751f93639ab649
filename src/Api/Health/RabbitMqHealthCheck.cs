using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ECommerce.Api.Health;

/// <summary>Opens a TCP connection to the broker of <c>ConnectionStrings:RabbitMq</c> and sends the AMQP 0-9-1 protocol
/// header; a broker answers with a Connection.Start method frame (type 1). Needs no client library. Healthy when
/// RabbitMQ is not configured (configuration is read per check, so test hosts may set it late).</summary>
public sealed class RabbitMqHealthCheck(IConfiguration configuration) : IHealthCheck
{
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (configuration.GetConnectionString("RabbitMq") is not { Length: > 0 } connectionString)
        {
            return HealthCheckResult.Healthy("not configured");
        }

        var uri = new Uri(connectionString);
        var port = uri.IsDefaultPort || uri.Port <= 0 ? 5672 : uri.Port;
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(ProtocolHeader, cancellationToken);
        var frameType = new byte[1];
        var read = await stream.ReadAsync(frameType, cancellationToken);
        return read == 1 && frameType[0] == 1
            ? HealthCheckResult.Healthy($"AMQP broker at {uri.Host}:{port}")
            : HealthCheckResult.Unhealthy($"{uri.Host}:{port} did not answer as an AMQP broker");
    }
}

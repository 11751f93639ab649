using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace ECommerce.Silo.Streams.RabbitMq;

/// <summary>One AMQP connection, opened on first use and reopened when it dropped. The publisher and the subscriptions
/// each have their own, so a connection-level error on one side leaves the other running.</summary>
internal sealed class RabbitMqConnection(string connectionString, string clientName, IOptions<StreamOptions> options)
    : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public string Queue => options.Value.RabbitMq.Queue;

    public async Task<IChannel> OpenChannelAsync(bool publisherConfirms, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: publisherConfirms,
                publisherConfirmationTrackingEnabled: publisherConfirms),
            cancellationToken);
        try
        {
            // Idempotent: every user of the queue declares it the same way, so whoever comes first creates it.
            await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "stream" },
                cancellationToken: cancellationToken);
            return channel;
        }
        catch (Exception)
        {
            await channel.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _gate.Dispose();
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } open)
            {
                return open;
            }

            if (_connection is { } closed)
            {
                await closed.DisposeAsync();
            }

            var factory = new ConnectionFactory { Uri = new Uri(connectionString), ClientProvidedName = clientName };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }
}

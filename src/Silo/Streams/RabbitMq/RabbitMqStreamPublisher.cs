using System.Globalization;
using System.Text;
using ECommerce.Grains.Abstractions.Events;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ECommerce.Silo.Streams.RabbitMq;

/// <summary>Publishes to the stream queue on a channel with publisher confirms: each publish returns once the broker
/// confirmed it (and throws on a nack or an unroutable message), so the relay marks only stored events sent.</summary>
internal sealed class RabbitMqStreamPublisher(RabbitMqConnection connection, TimeProvider clock) : IStreamPublisher, IAsyncDisposable
{
    public const string OccurredAtHeader = "occurred-at";

    // A stream queue just declared may refuse publishes for a moment (its writer is still starting), closing the
    // connection; a short retry on a fresh one rides that out. Repeats are fine: consumers deduplicate.
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500)];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    public async Task PublishAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await PublishOnceAsync(events, cancellationToken);
                return;
            }
            catch (AlreadyClosedException) when (attempt < RetryDelays.Length)
            {
                await Task.Delay(RetryDelays[attempt], clock, cancellationToken);
            }
        }
    }

    private async Task PublishOnceAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_channel is not { IsOpen: true })
            {
                await DropChannelAsync();
                _channel = await connection.OpenChannelAsync(publisherConfirms: true, cancellationToken);
            }

            foreach (var streamEvent in events)
            {
                var properties = new BasicProperties
                {
                    MessageId = streamEvent.EventId.ToString("D"),
                    Type = streamEvent.EventType,
                    ContentType = "application/json",
                    DeliveryMode = DeliveryModes.Persistent,
                    Headers = new Dictionary<string, object?>
                    {
                        [OccurredAtHeader] = streamEvent.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
                    },
                };
                await _channel.BasicPublishAsync("", connection.Queue, mandatory: true, properties,
                    Encoding.UTF8.GetBytes(streamEvent.Payload), cancellationToken);
            }
        }
        catch (Exception)
        {
            // The channel's state is unknown after a failed publish; the next batch starts on a fresh one.
            await DropChannelAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropChannelAsync();
        await connection.DisposeAsync();
        _gate.Dispose();
    }

    private async Task DropChannelAsync()
    {
        if (Interlocked.Exchange(ref _channel, null) is { } channel)
        {
            await channel.DisposeAsync();
        }
    }
}

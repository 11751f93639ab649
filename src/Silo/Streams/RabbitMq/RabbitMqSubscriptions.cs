using System.Globalization;
using System.Text;
using ECommerce.Grains.Abstractions.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace ECommerce.Silo.Streams.RabbitMq;

/// <summary>Subscribes every <see cref="IStreamConsumer"/> to the stream queue from its stored offset. An event's
/// offset is stored after the consumer handled it, so a restart resumes after the last handled event and at worst
/// repeats one (consumers are idempotent). A failing consumer is resubscribed from its stored offset.</summary>
internal sealed partial class RabbitMqSubscriptions(
    RabbitMqConnection connection,
    StreamOffsetStore offsets,
    IEnumerable<IStreamConsumer> consumers,
    IOptions<StreamOptions> options,
    ILogger<RabbitMqSubscriptions> logger) : BackgroundService
{
    private const string OffsetHeader = "x-stream-offset";

    private readonly RabbitMqStreamOptions _options = options.Value.RabbitMq;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(consumers.Select(consumer => KeepSubscribedAsync(consumer, stoppingToken)));
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private async Task KeepSubscribedAsync(IStreamConsumer consumer, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilFailureAsync(consumer, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogSubscriptionFailed(logger, exception, consumer.Name, _options.ResubscribeDelay);
            }

            try
            {
                await Task.Delay(_options.ResubscribeDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConsumeUntilFailureAsync(IStreamConsumer consumer, CancellationToken stoppingToken)
    {
        await using var channel = await connection.OpenChannelAsync(publisherConfirms: false, stoppingToken);
        await channel.BasicQosAsync(0, _options.Prefetch, global: false, stoppingToken);
        var next = await offsets.ReadNextAsync(connection.Queue, consumer.Name, stoppingToken);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = new AsyncEventingBasicConsumer(channel);
        subscriber.ReceivedAsync += async (_, delivery) =>
        {
            // Deliveries are handled one at a time; after a failure none may move the offset past the failed one.
            if (failed.Task.IsCompleted)
            {
                return;
            }

            try
            {
                var offset = OffsetOf(delivery.BasicProperties);
                if (next is null || offset >= next)
                {
                    await consumer.HandleAsync(ToEvent(delivery), stoppingToken);
                    next = offset + 1;
                    await offsets.StoreNextAsync(connection.Queue, consumer.Name, offset + 1, stoppingToken);
                }

                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, stoppingToken);
            }
            catch (Exception exception)
            {
                failed.TrySetException(exception);
            }
        };
        subscriber.ShutdownAsync += (_, reason) =>
        {
            failed.TrySetException(new IOException($"The channel closed: {reason.ReplyText}"));
            return Task.CompletedTask;
        };

        await channel.BasicConsumeAsync(connection.Queue, autoAck: false,
            consumerTag: $"{consumer.Name}-{Guid.NewGuid():N}", noLocal: false, exclusive: false,
            arguments: new Dictionary<string, object?> { [OffsetHeader] = next is { } from ? from : "first" },
            consumer: subscriber, cancellationToken: stoppingToken);
        LogSubscribed(logger, consumer.Name, connection.Queue, next?.ToString(CultureInfo.InvariantCulture) ?? "first");
        await failed.Task.WaitAsync(stoppingToken);
    }

    private static long OffsetOf(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue(OffsetHeader, out var value) == true && value is not null
            ? Convert.ToInt64(value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"A stream delivery without an {OffsetHeader} header.");

    private static StreamEvent ToEvent(BasicDeliverEventArgs delivery)
    {
        var properties = delivery.BasicProperties;
        var occurredAt = properties.Headers?.TryGetValue(RabbitMqStreamPublisher.OccurredAtHeader, out var header) == true
            && header is byte[] bytes
            ? DateTimeOffset.Parse(Encoding.UTF8.GetString(bytes), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : throw new InvalidOperationException($"A stream delivery without an {RabbitMqStreamPublisher.OccurredAtHeader} header.");
        return new StreamEvent(Guid.Parse(properties.MessageId ?? throw new InvalidOperationException("A stream delivery without a message id.")),
            properties.Type ?? "", Encoding.UTF8.GetString(delivery.Body.Span), occurredAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} subscribed to stream {Queue} from offset {Offset}")]
    private static partial void LogSubscribed(ILogger logger, string consumer, string queue, string offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer {Consumer} stopped on a failure; resubscribing from its stored offset in {Delay}")]
    private static partial void LogSubscriptionFailed(ILogger logger, Exception exception, string consumer, TimeSpan delay);
}

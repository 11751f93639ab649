using System.Text.Json;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Grains.Faults;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace ECommerce.Silo.DataPlatform;

/// <summary>The data platform's consumer of the paid-orders stream, a batch of events per delivery. It only queues each
/// event (once per event id, the batch in one transaction) for
/// <see cref="DataPlatformDeliveryWorker"/>, whose retries are rows in the database: a slow or failing platform never
/// holds up the stream, and a restart loses no retry.</summary>
[ImplicitStreamSubscription(OrderStreams.PaidNamespace)]
internal sealed partial class DataPlatformGrain(
    DataPlatformStore store,
    DataPlatformDeliveryWorker worker,
    CrashPoints crashPoints,
    TimeProvider clock,
    ILogger<DataPlatformGrain> logger) : Grain, IDataPlatformGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<OrderPaidEvent>
{
    public const string ConsumerName = DataPlatformStore.Destination;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ILogger _logger = logger;
    private StreamConsumerProgress _progress = new(ConsumerName, 0, 0, null, null);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<OrderPaidEvent>().ResumeAsync(this);

    /// <summary>Returns only once the batch is queued in the database: the provider redelivers whatever it was not told of.</summary>
    public async Task OnNextAsync(IList<SequentialItem<OrderPaidEvent>> items)
    {
        try
        {
            await HandleAsync(items);
        }
        catch (Exception)
        {
            // Delivered again by the provider; the admin page and /health/ready see how long it has been failing.
            _progress = _progress.Failed(clock.GetUtcNow());
            throw;
        }
    }

    private async Task HandleAsync(IList<SequentialItem<OrderPaidEvent>> items)
    {
        crashPoints.Reach(StreamCrashPoints.DataPlatformReceived);
        var events = items
            .Select(item => new PlatformEvent(item.Item.EventId, OrderPaid.EventType,
                JsonSerializer.Serialize(item.Item.Order, Json), item.Item.Order.PaidAt))
            .ToList();
        var queued = await store.EnqueueAsync(events, clock.GetUtcNow(), CancellationToken.None);
        if (queued > 0)
        {
            worker.Wake();
        }

        _progress = _progress.Handled(events.Count, queued, events.Max(e => (DateTimeOffset?)e.OccurredAt), clock.GetUtcNow());
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex);
        return Task.CompletedTask;
    }

    public Task<bool> HasTakenAsync(Guid eventId) => store.HasQueuedAsync(eventId, CancellationToken.None);

    public Task<StreamConsumerProgress> GetProgressAsync() => Task.FromResult(_progress);

    [LoggerMessage(Level = LogLevel.Error, Message = "The paid-orders stream reported an error to the data platform")]
    private partial void LogStreamError(Exception error);
}

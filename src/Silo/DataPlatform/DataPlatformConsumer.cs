using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Events;

namespace ECommerce.Silo.DataPlatform;

/// <summary>Only queues paid orders for <see cref="DataPlatformDeliveryWorker"/>: a slow or failing platform never holds
/// up the stream, let alone a payment. Queuing is idempotent by event id.</summary>
internal sealed class DataPlatformConsumer(DataPlatformStore store, DataPlatformDeliveryWorker worker, TimeProvider clock)
    : IStreamConsumer
{
    public string Name => DataPlatformStore.Destination;

    public async Task HandleAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        if (streamEvent.EventType != OrderPaid.EventType)
        {
            return;
        }

        await store.EnqueueAsync(streamEvent, clock.GetUtcNow(), cancellationToken);
        worker.Wake();
    }
}

using System.Text.Json;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Events;

namespace ECommerce.Silo.Streams;

/// <summary>Feeds paid orders to the ranking grain, which deduplicates by event id.</summary>
internal sealed class RankingConsumer(IGrainFactory grains) : IStreamConsumer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "product-ranking";

    public Task HandleAsync(StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        if (streamEvent.EventType != OrderPaid.EventType)
        {
            return Task.CompletedTask;
        }

        var order = JsonSerializer.Deserialize<OrderPaid>(streamEvent.Payload, Json)
            ?? throw new InvalidOperationException($"Event {streamEvent.EventId} has a null OrderPaid payload.");
        return grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key).RecordPaidOrderAsync(streamEvent.EventId, order);
    }
}

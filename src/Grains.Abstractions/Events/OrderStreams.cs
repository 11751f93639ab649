using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Abstractions.Events;

/// <summary>The Orleans stream of paid orders: the order grain publishes to it, and the ranking grain and the data
/// platform grain consume it through <c>[ImplicitStreamSubscription(PaidNamespace)]</c>. Every durable provider
/// delivers at least once, so each consumer deduplicates by <see cref="OrderPaidEvent.EventId"/>.</summary>
public static class OrderStreams
{
    /// <summary>The stream provider's name; <c>Streams:Provider</c> chooses what stands behind it.</summary>
    public const string Provider = "commerce";

    public const string PaidNamespace = "orders.paid";

    /// <summary>One stream for every paid order, keyed like its single-activation consumers
    /// (<see cref="IProductRankingGrain.Key"/>, <see cref="IDataPlatformGrain.Key"/>).</summary>
    public const long PaidKey = 0;
}

/// <summary>One paid order on the paid-orders stream. The id is chosen once and stored with the PAID status,
/// so every publication of the same payment carries the same id.</summary>
[GenerateSerializer, Immutable, Alias("ecommerce.order-paid-event")]
public sealed record OrderPaidEvent(Guid EventId, OrderPaid Order);

/// <summary>How far one consumer of the paid-orders stream has got, since its activation.</summary>
/// <param name="Consumed">Events it handled for the first time.</param>
/// <param name="Duplicates">Redeliveries of events it had already handled (dropped by event id).</param>
/// <param name="LastEventAt">When the newest event it handled was paid.</param>
/// <param name="LastHandledAt">When it handled that event.</param>
/// <param name="FailingSince">When the deliveries started failing, the last one failed too; null once one succeeds.</param>
[GenerateSerializer, Immutable, Alias("ecommerce.stream-consumer-progress")]
public sealed record StreamConsumerProgress(string Consumer, long Consumed, long Duplicates, DateTimeOffset? LastEventAt,
    DateTimeOffset? LastHandledAt, DateTimeOffset? FailingSince = null)
{
    /// <summary>How long the newest handled event took from payment to this consumer.</summary>
    public TimeSpan? LastDelay => LastHandledAt - LastEventAt;

    /// <summary>A delivery of <paramref name="delivered"/> events succeeded, <paramref name="taken"/> of them new (the
    /// newest paid at <paramref name="newestTakenAt"/>), the rest repeats.</summary>
    public StreamConsumerProgress Handled(int delivered, int taken, DateTimeOffset? newestTakenAt, DateTimeOffset now) =>
        this with
        {
            Consumed = Consumed + taken,
            Duplicates = Duplicates + delivered - taken,
            LastEventAt = taken > 0 ? newestTakenAt : LastEventAt,
            LastHandledAt = taken > 0 ? now : LastHandledAt,
            FailingSince = null,
        };

    /// <summary>A delivery failed; the provider delivers it again.</summary>
    public StreamConsumerProgress Failed(DateTimeOffset now) => this with { FailingSince = FailingSince ?? now };
}

/// <summary>Hands paid orders to the data platform (single activation, key <see cref="Key"/>): an implicit subscriber
/// of the paid-orders stream that queues each event once for delivery.</summary>
public interface IDataPlatformGrain : IGrainWithIntegerKey
{
    public const long Key = OrderStreams.PaidKey;

    /// <summary>Whether the event is stored for delivery: the order's acknowledgement where the stream is not durable.</summary>
    Task<bool> HasTakenAsync(Guid eventId);

    Task<StreamConsumerProgress> GetProgressAsync();
}

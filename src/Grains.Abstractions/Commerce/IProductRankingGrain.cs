
namespace ECommerce.Grains.Abstractions.Commerce;

[GenerateSerializer, Immutable]
public sealed record TopProductOption(long OptionId, string Name, long Quantity);

/// <summary><see cref="SalesCount"/> sums the product's options; <see cref="Options"/> has each one's share, most sold first.</summary>
[GenerateSerializer, Immutable]
public sealed record TopProduct(int Rank, long ProductId, string Name, long SalesCount, IReadOnlyList<TopProductOption> Options);

/// <summary>Top-selling products per business day (single activation, key <see cref="Key"/>). An implicit subscriber
/// of the paid-orders stream (<see cref="Events.OrderStreams.PaidNamespace"/>); answers from memory, rebuilt from storage on
/// activation.</summary>
public interface IProductRankingGrain : IGrainWithIntegerKey
{
    public const long Key = Events.OrderStreams.PaidKey;
    public const int MaxDays = 30;
    public const int MaxLimit = 50;

    /// <summary>Counts a paid order's quantities on its business day; an order already counted is ignored. An order is
    /// paid once, so its id stands for its one paid event.</summary>
    Task RecordPaidOrderAsync(Guid eventId, OrderPaid order);

    /// <summary>The <paramref name="limit"/> best sellers over the last <paramref name="days"/> business days, today included;
    /// ties go to the lower product id.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED unless days is 1..30 and limit 1..50.</exception>
    Task<IReadOnlyList<TopProduct>> GetTopAsync(int days, int limit);

    /// <summary>Whether the paid order is stored as counted, or was paid too long ago to count: the order's
    /// acknowledgement where the stream is not durable.</summary>
    Task<bool> HasCountedAsync(Guid eventId, long orderId, DateTimeOffset paidAt);

    /// <summary>What this activation has taken from the paid-orders stream.</summary>
    Task<Events.StreamConsumerProgress> GetProgressAsync();
}

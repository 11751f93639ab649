
namespace ECommerce.Grains.Abstractions.Commerce;

[GenerateSerializer, Immutable]
public sealed record TopProduct(int Rank, long ProductId, string Name, long SalesCount);

/// <summary>Top-selling products per business day (single activation, key <see cref="Key"/>). Fed by the
/// <see cref="OrderPaid"/> events of the stream; answers from memory, rebuilt from storage on activation.</summary>
public interface IProductRankingGrain : IGrainWithIntegerKey
{
    public const long Key = 0;
    public const int MaxDays = 30;
    public const int MaxLimit = 50;

    /// <summary>Counts a paid order's quantities on its business day; an event already counted is ignored.</summary>
    Task RecordPaidOrderAsync(Guid eventId, OrderPaid order);

    /// <summary>The <paramref name="limit"/> best sellers over the last <paramref name="days"/> business days, today included;
    /// ties go to the lower product id.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED unless days is 1..30 and limit 1..50.</exception>
    Task<IReadOnlyList<TopProduct>> GetTopAsync(int days, int limit);
}


namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>page is 1-based, size 1..<see cref="IUserOrdersGrain.MaxPageSize"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderIdPage(IReadOnlyList<long> OrderIds, int Page, int Size, int Total);

/// <summary>One user's order ids, keyed by user id: the index behind the user's order list. Told by the order grain
/// while it takes its holds (so an acknowledged order is always recorded) and when an unfinished creation is released;
/// never calls another grain. It holds ids only: status and amounts are read from each order.</summary>
public interface IUserOrdersGrain : IGrainWithIntegerKey
{
    public const int MaxPageSize = 100;

    /// <summary>Records the order; a repeat with the same data is a no-op that answers once the entry is stored.</summary>
    Task AddAsync(long orderId, DateTimeOffset createdAt);

    /// <summary>Forgets an order whose creation was released; a no-op for an unknown id.</summary>
    Task RemoveAsync(long orderId);

    /// <summary>Newest first (creation time, then id).</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED for a bad page or size.</exception>
    Task<OrderIdPage> GetPageAsync(int page, int size);
}

using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>A user's order ids with their creation times.</summary>
[GenerateSerializer, Immutable]
public sealed record UserOrdersState
{
    [Id(0)]
    public ImmutableSortedDictionary<long, DateTimeOffset> Orders { get; init; } =
        ImmutableSortedDictionary<long, DateTimeOffset>.Empty;

    public bool Holds(long orderId, DateTimeOffset createdAt) =>
        Orders.TryGetValue(orderId, out var known) && known == createdAt;

    public UserOrdersState Add(long orderId, DateTimeOffset createdAt)
    {
        if (orderId <= 0)
        {
            throw DomainErrors.Validation("orderId must be a positive id.");
        }

        return this with { Orders = Orders.SetItem(orderId, createdAt) };
    }

    public UserOrdersState Remove(long orderId) => this with { Orders = Orders.Remove(orderId) };

    /// <summary>Newest first: by creation time, then by id (ids of one sequence grow).</summary>
    public OrderIdPage Page(int page, int size)
    {
        if (page < 1 || size is < 1 or > IUserOrdersGrain.MaxPageSize)
        {
            throw DomainErrors.Validation($"page must be at least 1 and size 1..{IUserOrdersGrain.MaxPageSize}.");
        }

        var skip = (long)(page - 1) * size;
        var ids = skip >= Orders.Count
            ? []
            : Orders.OrderByDescending(o => o.Value).ThenByDescending(o => o.Key).Skip((int)skip).Take(size)
                .Select(o => o.Key).ToList();
        return new OrderIdPage(ids, page, size, Orders.Count);
    }
}

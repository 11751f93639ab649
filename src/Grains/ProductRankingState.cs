using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

public sealed record ProductSales(long ProductId, string Name, long Quantity);

/// <summary>Sales per business day and product, and the events counted into them, for the kept days only.</summary>
[GenerateSerializer, Immutable]
public sealed record ProductRankingState
{
    [Id(0)]
    public ImmutableDictionary<DateOnly, ImmutableDictionary<long, long>> SalesByDay { get; init; } =
        ImmutableDictionary<DateOnly, ImmutableDictionary<long, long>>.Empty;

    [Id(1)]
    public ImmutableDictionary<long, string> Names { get; init; } = ImmutableDictionary<long, string>.Empty;

    [Id(2)]
    public ImmutableDictionary<Guid, DateOnly> CountedEvents { get; init; } = ImmutableDictionary<Guid, DateOnly>.Empty;

    /// <summary>Days before this one are dropped.</summary>
    [Id(3)]
    public DateOnly KeptFrom { get; init; }

    public bool HasCounted(Guid eventId) => CountedEvents.ContainsKey(eventId);

    public ProductRankingState Count(Guid eventId, DateOnly day, IEnumerable<ProductSales> sales)
    {
        var dayBuilder = SalesByDay.GetValueOrDefault(day, ImmutableDictionary<long, long>.Empty).ToBuilder();
        var names = Names.ToBuilder();
        foreach (var sale in sales)
        {
            dayBuilder[sale.ProductId] = dayBuilder.GetValueOrDefault(sale.ProductId) + sale.Quantity;
            names[sale.ProductId] = sale.Name;
        }

        return this with
        {
            SalesByDay = SalesByDay.SetItem(day, dayBuilder.ToImmutable()),
            Names = names.ToImmutable(),
            CountedEvents = CountedEvents.Add(eventId, day),
        };
    }

    /// <summary>Forgets days (and their event ids) before <paramref name="keptFrom"/>; a no-op until the day turns.</summary>
    public ProductRankingState KeepFrom(DateOnly keptFrom) =>
        keptFrom <= KeptFrom
            ? this
            : this with
            {
                KeptFrom = keptFrom,
                SalesByDay = SalesByDay.RemoveRange(SalesByDay.Keys.Where(day => day < keptFrom)),
                CountedEvents = CountedEvents.RemoveRange(
                    CountedEvents.Where(counted => counted.Value < keptFrom).Select(counted => counted.Key)),
            };

    public IReadOnlyList<TopProduct> Top(DateOnly today, int days, int limit)
    {
        var totals = new Dictionary<long, long>();
        for (var day = today.AddDays(1 - days); day <= today; day = day.AddDays(1))
        {
            if (!SalesByDay.TryGetValue(day, out var products))
            {
                continue;
            }

            foreach (var (productId, quantity) in products)
            {
                totals[productId] = totals.GetValueOrDefault(productId) + quantity;
            }
        }

        return totals
            .OrderByDescending(total => total.Value)
            .ThenBy(total => total.Key)
            .Take(limit)
            .Select((total, index) => new TopProduct(index + 1, total.Key, Names.GetValueOrDefault(total.Key, ""), total.Value))
            .ToList();
    }
}

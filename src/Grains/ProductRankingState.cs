using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

public sealed record ProductSales(long ProductId, string Name, long Quantity)
{
    /// <summary>The options' shares of <see cref="Quantity"/>.</summary>
    public IReadOnlyList<OptionSales> Options { get; init; } = [];
}

public sealed record OptionSales(long OptionId, string Name, long Quantity);

/// <summary>An option the ranking counted: its product and name.</summary>
[GenerateSerializer, Immutable]
public sealed record RankedOption(long ProductId, string Name);

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

    /// <summary>Sales per business day and option (counted since options existed).</summary>
    [Id(4)]
    public ImmutableDictionary<DateOnly, ImmutableDictionary<long, long>> OptionSalesByDay { get; init; } =
        ImmutableDictionary<DateOnly, ImmutableDictionary<long, long>>.Empty;

    /// <summary>Each counted option's product and name.</summary>
    [Id(5)]
    public ImmutableDictionary<long, RankedOption> OptionNames { get; init; } =
        ImmutableDictionary<long, RankedOption>.Empty;

    public bool HasCounted(Guid eventId) => CountedEvents.ContainsKey(eventId);

    public ProductRankingState Count(Guid eventId, DateOnly day, IEnumerable<ProductSales> sales)
    {
        var dayBuilder = SalesByDay.GetValueOrDefault(day, ImmutableDictionary<long, long>.Empty).ToBuilder();
        var optionDay = OptionSalesByDay.GetValueOrDefault(day, ImmutableDictionary<long, long>.Empty).ToBuilder();
        var names = Names.ToBuilder();
        var optionNames = OptionNames.ToBuilder();
        foreach (var sale in sales)
        {
            dayBuilder[sale.ProductId] = dayBuilder.GetValueOrDefault(sale.ProductId) + sale.Quantity;
            names[sale.ProductId] = sale.Name;
            foreach (var option in sale.Options)
            {
                optionDay[option.OptionId] = optionDay.GetValueOrDefault(option.OptionId) + option.Quantity;
                optionNames[option.OptionId] = new RankedOption(sale.ProductId, option.Name);
            }
        }

        return this with
        {
            SalesByDay = SalesByDay.SetItem(day, dayBuilder.ToImmutable()),
            OptionSalesByDay = OptionSalesByDay.SetItem(day, optionDay.ToImmutable()),
            Names = names.ToImmutable(),
            OptionNames = optionNames.ToImmutable(),
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
                OptionSalesByDay = OptionSalesByDay.RemoveRange(OptionSalesByDay.Keys.Where(day => day < keptFrom)),
                CountedEvents = CountedEvents.RemoveRange(
                    CountedEvents.Where(counted => counted.Value < keptFrom).Select(counted => counted.Key)),
            };

    public IReadOnlyList<TopProduct> Top(DateOnly today, int days, int limit)
    {
        var totals = new Dictionary<long, long>();
        var optionTotals = new Dictionary<long, long>();
        for (var day = today.AddDays(1 - days); day <= today; day = day.AddDays(1))
        {
            foreach (var (productId, quantity) in SalesByDay.GetValueOrDefault(day, ImmutableDictionary<long, long>.Empty))
            {
                totals[productId] = totals.GetValueOrDefault(productId) + quantity;
            }

            foreach (var (optionId, quantity) in OptionSalesByDay.GetValueOrDefault(day, ImmutableDictionary<long, long>.Empty))
            {
                optionTotals[optionId] = optionTotals.GetValueOrDefault(optionId) + quantity;
            }
        }

        var optionsByProduct = optionTotals
            .Where(total => OptionNames.ContainsKey(total.Key))
            .ToLookup(total => OptionNames[total.Key].ProductId);
        return totals
            .OrderByDescending(total => total.Value)
            .ThenBy(total => total.Key)
            .Take(limit)
            .Select((total, index) => new TopProduct(index + 1, total.Key, Names.GetValueOrDefault(total.Key, ""), total.Value,
                optionsByProduct[total.Key]
                    .OrderByDescending(option => option.Value)
                    .ThenBy(option => option.Key)
                    .Select(option => new TopProductOption(option.Key, OptionNames[option.Key].Name, option.Value))
                    .ToList()))
            .ToList();
    }
}

using System.Collections.Immutable;
using System.Runtime.InteropServices;
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

/// <summary>Order ids the ranking counted, as one bitmap of <see cref="Size"/> consecutive ids. Order ids come from one
/// sequence, so the paid orders of a day fill few blocks: an eighth of a byte per id, where a set of event ids took about
/// twenty bytes each, and the ranking's state is written whole on every commit.</summary>
[GenerateSerializer, Immutable]
public sealed record CountedOrderBlock
{
    public const int Size = 1 << Shift;
    private const int Shift = 12;
    private const int BitsPerWord = 64;

    [Id(0)]
    public ImmutableArray<ulong> Bits { get; init; } = ImmutableArray<ulong>.Empty;

    /// <summary>The latest business day of an order counted in the block; the block goes once that day is not kept.</summary>
    [Id(1)]
    public DateOnly NewestDay { get; init; }

    public static long KeyOf(long orderId) => orderId >> Shift;

    public bool Contains(long orderId)
    {
        var offset = OffsetOf(orderId);
        return offset / BitsPerWord < Bits.Length && (Bits[offset / BitsPerWord] & (1UL << (offset % BitsPerWord))) != 0;
    }

    public CountedOrderBlock With(long orderId, DateOnly day)
    {
        var bits = new ulong[Size / BitsPerWord];
        Bits.CopyTo(bits);
        var offset = OffsetOf(orderId);
        bits[offset / BitsPerWord] |= 1UL << (offset % BitsPerWord);
        return new CountedOrderBlock
        {
            Bits = ImmutableCollectionsMarshal.AsImmutableArray(bits),
            NewestDay = day > NewestDay ? day : NewestDay,
        };
    }

    private static int OffsetOf(long orderId) => (int)(orderId & (Size - 1));
}

/// <summary>Sales per business day and product, and the orders counted into them, for the kept days only.</summary>
[GenerateSerializer, Immutable]
public sealed record ProductRankingState
{
    [Id(0)]
    public ImmutableDictionary<DateOnly, ImmutableDictionary<long, long>> SalesByDay { get; init; } =
        ImmutableDictionary<DateOnly, ImmutableDictionary<long, long>>.Empty;

    [Id(1)]
    public ImmutableDictionary<long, string> Names { get; init; } = ImmutableDictionary<long, string>.Empty;

    /// <summary>Event ids counted before <see cref="CountedOrders"/> existed; nothing is added any more, and each goes
    /// with its day.</summary>
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

    /// <summary>The counted orders, by <see cref="CountedOrderBlock.KeyOf"/>.</summary>
    [Id(6)]
    public ImmutableDictionary<long, CountedOrderBlock> CountedOrders { get; init; } =
        ImmutableDictionary<long, CountedOrderBlock>.Empty;

    /// <summary>An order is paid once, so its id stands for its paid event; the event id finds what was counted before.</summary>
    public bool HasCounted(Guid eventId, long orderId) =>
        CountedOrders.TryGetValue(CountedOrderBlock.KeyOf(orderId), out var block) && block.Contains(orderId)
        || CountedEvents.ContainsKey(eventId);

    public ProductRankingState Count(long orderId, DateOnly day, IEnumerable<ProductSales> sales)
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
            CountedOrders = CountedOrders.SetItem(CountedOrderBlock.KeyOf(orderId),
                CountedOrders.GetValueOrDefault(CountedOrderBlock.KeyOf(orderId), new CountedOrderBlock()).With(orderId, day)),
        };
    }

    /// <summary>Forgets days (and the orders counted only into them) before <paramref name="keptFrom"/>; a no-op until the day turns.</summary>
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
                CountedOrders = CountedOrders.RemoveRange(
                    CountedOrders.Where(block => block.Value.NewestDay < keptFrom).Select(block => block.Key)),
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

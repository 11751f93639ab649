using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

public enum ReservationStatus
{
    Reserved,
    Confirmed,
    Released,
}

/// <summary>A change of one order's hold on a product.</summary>
public sealed record StockReservation(long OrderId, int Quantity, ReservationStatus Status, DateTimeOffset ChangedAt);

/// <summary>A product step's outcome; <see cref="Record"/> is null when the step repeated an earlier one.</summary>
public sealed record ProductChange(ProductState State, StockReservation? Record);

/// <summary>One option's stock. <see cref="Stock"/> is what can still be reserved; <see cref="Reservations"/> holds the
/// open holds (order id to quantity), already out of <see cref="Stock"/>; stock + held + sold is what it ever had.</summary>
[GenerateSerializer, Immutable]
public sealed record ProductOptionState
{
    [Id(0)]
    public long OptionId { get; init; }

    [Id(1)]
    public string Name { get; init; } = "";

    [Id(2)]
    public long Price { get; init; }

    [Id(3)]
    public int Stock { get; init; }

    [Id(4)]
    public long Sold { get; init; }

    [Id(5)]
    public ImmutableDictionary<long, int> Reservations { get; init; } = ImmutableDictionary<long, int>.Empty;

    public long Held => Reservations.Values.Sum(q => (long)q);
}

/// <summary>A product and its options. Before options existed the one stock lived in the product itself (ids 1, 2, 4,
/// 5); <see cref="Upgraded"/> reads such a state as one option whose id is the product id.</summary>
[GenerateSerializer, Immutable]
public sealed record ProductState
{
    public const int MaxNameLength = 200;
    public const long MaxPrice = 1_000_000_000;
    public const int MaxStock = 1_000_000;

    [Id(0)]
    public string Name { get; init; } = "";

    [Id(1)]
    public long LegacyPrice { get; init; }

    [Id(2)]
    public int LegacyStock { get; init; }

    [Id(3)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(4)]
    public ImmutableDictionary<long, int> LegacyReservations { get; init; } = ImmutableDictionary<long, int>.Empty;

    [Id(5)]
    public long LegacySold { get; init; }

    /// <summary>In creation order; the first one's id is the product id.</summary>
    [Id(6)]
    public ImmutableList<ProductOptionState> Options { get; init; } = [];

    public bool Exists => Name.Length > 0;

    /// <summary>The lowest option price.</summary>
    public long Price => Options.Count == 0 ? 0 : Options.Min(o => o.Price);

    /// <summary>What can still be reserved, over every option.</summary>
    public int Stock => Options.Sum(o => o.Stock);

    public long Sold => Options.Sum(o => o.Sold);

    /// <summary>Open holds per order, summed over the options.</summary>
    public ImmutableDictionary<long, int> Reservations =>
        Options.SelectMany(o => o.Reservations)
            .GroupBy(r => r.Key)
            .ToImmutableDictionary(g => g.Key, g => g.Sum(r => r.Value));

    /// <summary>Whether the order holds units of any option; a lookup per option, not the summed dictionary.</summary>
    public bool HoldsFor(long orderId)
    {
        foreach (var option in Options)
        {
            if (option.Reservations.ContainsKey(orderId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A state stored before options existed, as one option with the product id; any other state as it is.</summary>
    public ProductState Upgraded(long productId) =>
        !Exists || Options.Count > 0
            ? this
            : this with
            {
                Options =
                [
                    new ProductOptionState
                    {
                        OptionId = productId, Name = IProductGrain.DefaultOptionName, Price = LegacyPrice,
                        Stock = LegacyStock, Sold = LegacySold, Reservations = LegacyReservations,
                    },
                ],
                LegacyPrice = 0, LegacyStock = 0, LegacySold = 0,
                LegacyReservations = ImmutableDictionary<long, int>.Empty,
            };

    public static ProductState Create(long productId, string? name, long price, int stock, DateTimeOffset now) =>
        Create(productId, name, [new NewProductOption(productId, IProductGrain.DefaultOptionName, price, stock)], now);

    public static ProductState Create(long productId, string? name, IReadOnlyList<NewProductOption>? options,
        DateTimeOffset now)
    {
        var trimmed = DomainText.Name(name, MaxNameLength);
        if (options is null || options.Count is 0 or > IProductGrain.MaxOptions)
        {
            throw DomainErrors.Validation($"A product needs 1..{IProductGrain.MaxOptions} options.");
        }

        if (options[0].OptionId != productId || options.Any(o => o.OptionId <= 0)
            || options.Select(o => o.OptionId).Distinct().Count() != options.Count)
        {
            throw DomainErrors.Validation("Option ids must be distinct and positive, the first one the product id.");
        }

        var created = options.Select(option =>
        {
            if (option.Price is < 0 or > MaxPrice)
            {
                throw DomainErrors.Validation($"price must be 0..{MaxPrice}.");
            }

            if (option.Stock is < 0 or > MaxStock)
            {
                throw DomainErrors.Validation($"stock must be 0..{MaxStock}.");
            }

            return new ProductOptionState
            {
                OptionId = option.OptionId, Name = DomainText.Name(option.Name, MaxNameLength), Price = option.Price,
                Stock = option.Stock,
            };
        }).ToImmutableList();

        if (created.Select(o => o.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != created.Count)
        {
            throw DomainErrors.Validation("Option names must be unique within the product.");
        }

        return new ProductState { Name = trimmed, CreatedAt = now, Options = created };
    }

    /// <summary>A retried create is recognised by name and its options' ids, names and prices; stock may have moved.</summary>
    public bool IsSameProduct(ProductState other) =>
        Name == other.Name
        && Options.Select(o => (o.OptionId, o.Name, o.Price)).SequenceEqual(other.Options.Select(o => (o.OptionId, o.Name, o.Price)));

    /// <summary>The option <paramref name="optionId"/>, or with 0 the only one.</summary>
    public ProductOptionState Option(long optionId)
    {
        if (optionId == 0)
        {
            return Options.Count == 1
                ? Options[0]
                : throw DomainErrors.Validation(DomainErrors.ProductOptionRequired,
                    $"Product '{Name}' has {Options.Count} options; name one with optionId.");
        }

        return Options.Find(o => o.OptionId == optionId)
            ?? throw DomainErrors.NotFound(DomainErrors.ProductOptionNotFound, $"Option of product '{Name}'", optionId);
    }

    private ProductState With(ProductOptionState before, ProductOptionState after) =>
        this with { Options = Options.Replace(before, after) };

    public ProductState AdjustStock(int delta) => AdjustStock(0, delta);

    public ProductState AdjustStock(long optionId, int delta)
    {
        var option = Option(optionId);
        var next = (long)option.Stock + delta;
        if (next < 0)
        {
            throw DomainErrors.Conflict(DomainErrors.StockInsufficient,
                $"Stock {option.Stock} cannot be lowered by {-(long)delta}.");
        }

        return next > MaxStock
            ? throw DomainErrors.Validation($"stock may not exceed {MaxStock}.")
            : With(option, option with { Stock = (int)next });
    }

    public ProductChange Reserve(long orderId, int quantity, DateTimeOffset now) => Reserve(orderId, 0, quantity, now);

    public ProductChange Reserve(long orderId, long optionId, int quantity, DateTimeOffset now)
    {
        var option = Option(optionId);
        if (option.Reservations.ContainsKey(orderId))
        {
            return new ProductChange(this, null);
        }

        if (quantity <= 0)
        {
            throw DomainErrors.Validation("quantity must be positive.");
        }

        if (quantity > option.Stock)
        {
            throw DomainErrors.Conflict(DomainErrors.StockInsufficient,
                $"Product '{Name}' ({option.Name}) has {option.Stock} in stock, {quantity} requested.");
        }

        return new ProductChange(
            With(option, option with { Stock = option.Stock - quantity, Reservations = option.Reservations.Add(orderId, quantity) }),
            new StockReservation(orderId, quantity, ReservationStatus.Reserved, now));
    }

    /// <summary>Gives back the order's holds on every option.</summary>
    public ProductChange Release(long orderId, DateTimeOffset now) =>
        Settle(orderId, now, ReservationStatus.Released,
            (option, quantity) => option with { Stock = option.Stock + quantity, Reservations = option.Reservations.Remove(orderId) });

    /// <summary>Turns the order's holds on every option into sales.</summary>
    public ProductChange Confirm(long orderId, DateTimeOffset now) =>
        Settle(orderId, now, ReservationStatus.Confirmed,
            (option, quantity) => option with { Reservations = option.Reservations.Remove(orderId), Sold = option.Sold + quantity });

    private ProductChange Settle(long orderId, DateTimeOffset now, ReservationStatus status,
        Func<ProductOptionState, int, ProductOptionState> settle)
    {
        var total = 0;
        var options = Options;
        foreach (var option in Options)
        {
            if (option.Reservations.TryGetValue(orderId, out var quantity))
            {
                options = options.Replace(option, settle(option, quantity));
                total += quantity;
            }
        }

        return total == 0
            ? new ProductChange(this, null)
            : new ProductChange(this with { Options = options }, new StockReservation(orderId, total, status, now));
    }
}

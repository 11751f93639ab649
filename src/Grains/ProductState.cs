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

/// <summary>A product and its stock. <see cref="Stock"/> is what can still be reserved; <see cref="Reservations"/>
/// holds the open holds (order id to quantity), whose units are already out of <see cref="Stock"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record ProductState
{
    public const int MaxNameLength = 200;
    public const long MaxPrice = 1_000_000_000;
    public const int MaxStock = 1_000_000;

    [Id(0)]
    public string Name { get; init; } = "";

    [Id(1)]
    public long Price { get; init; }

    [Id(2)]
    public int Stock { get; init; }

    [Id(3)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(4)]
    public ImmutableDictionary<long, int> Reservations { get; init; } = ImmutableDictionary<long, int>.Empty;

    /// <summary>Units sold (confirmed reservations), so stock + held + sold is what the product ever had.</summary>
    [Id(5)]
    public long Sold { get; init; }

    public bool Exists => Name.Length > 0;

    public static ProductState Create(string? name, long price, int stock, DateTimeOffset now)
    {
        var trimmed = DomainText.Name(name, MaxNameLength);

        if (price is < 0 or > MaxPrice)
        {
            throw DomainErrors.Validation($"price must be 0..{MaxPrice}.");
        }

        if (stock is < 0 or > MaxStock)
        {
            throw DomainErrors.Validation($"stock must be 0..{MaxStock}.");
        }

        return new ProductState { Name = trimmed, Price = price, Stock = stock, CreatedAt = now };
    }

    /// <summary>A retried create is recognised by name and price; stock may have moved since.</summary>
    public bool IsSameProduct(ProductState other) => Name == other.Name && Price == other.Price;

    public ProductState AdjustStock(int delta)
    {
        var next = (long)Stock + delta;
        if (next < 0)
        {
            throw DomainErrors.Conflict(DomainErrors.StockInsufficient,
                $"Stock {Stock} cannot be lowered by {-(long)delta}.");
        }

        return next > MaxStock
            ? throw DomainErrors.Validation($"stock may not exceed {MaxStock}.")
            : this with { Stock = (int)next };
    }

    public ProductChange Reserve(long orderId, int quantity, DateTimeOffset now)
    {
        if (Reservations.ContainsKey(orderId))
        {
            return new ProductChange(this, null);
        }

        if (quantity <= 0)
        {
            throw DomainErrors.Validation("quantity must be positive.");
        }

        if (quantity > Stock)
        {
            throw DomainErrors.Conflict(DomainErrors.StockInsufficient,
                $"Product '{Name}' has {Stock} in stock, {quantity} requested.");
        }

        return new ProductChange(
            this with { Stock = Stock - quantity, Reservations = Reservations.Add(orderId, quantity) },
            new StockReservation(orderId, quantity, ReservationStatus.Reserved, now));
    }

    public ProductChange Release(long orderId, DateTimeOffset now) =>
        Reservations.TryGetValue(orderId, out var quantity)
            ? new ProductChange(
                this with { Stock = Stock + quantity, Reservations = Reservations.Remove(orderId) },
                new StockReservation(orderId, quantity, ReservationStatus.Released, now))
            : new ProductChange(this, null);

    public ProductChange Confirm(long orderId, DateTimeOffset now) =>
        Reservations.TryGetValue(orderId, out var quantity)
            ? new ProductChange(
                this with { Reservations = Reservations.Remove(orderId), Sold = Sold + quantity },
                new StockReservation(orderId, quantity, ReservationStatus.Confirmed, now))
            : new ProductChange(this, null);
}

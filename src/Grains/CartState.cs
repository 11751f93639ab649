using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>A checkout under way: stored before the order is asked, so whoever finds it knows which order to finish.</summary>
[GenerateSerializer, Immutable]
public sealed record PendingCheckout(long OrderId, ImmutableList<OrderItemRequest> Items, long? CouponId);

[GenerateSerializer, Immutable]
public sealed record CartState
{
    /// <summary>In the order they were first added.</summary>
    [Id(0)]
    public ImmutableList<CartLine> Lines { get; init; } = [];

    [Id(1)]
    public PendingCheckout? Pending { get; init; }

    /// <summary>The order the last finished checkout created, so a retry of it is answered with that order.</summary>
    [Id(2)]
    public long? LastOrderId { get; init; }

    public CartState Set(long optionId, long productId, int quantity)
    {
        if (optionId <= 0 || productId <= 0)
        {
            throw DomainErrors.Validation("optionId and productId must be positive.");
        }

        if (quantity is < 1 or > ICartGrain.MaxQuantity)
        {
            throw DomainErrors.Validation($"quantity must be 1..{ICartGrain.MaxQuantity}.");
        }

        var line = new CartLine(optionId, productId, quantity);
        var index = Lines.FindIndex(l => l.OptionId == optionId);
        if (index >= 0)
        {
            return this with { Lines = Lines.SetItem(index, line) };
        }

        return Lines.Count >= ICartGrain.MaxLines
            ? throw DomainErrors.Conflict(DomainErrors.CartFull, $"A cart holds at most {ICartGrain.MaxLines} lines.")
            : this with { Lines = Lines.Add(line) };
    }

    public CartState Remove(long optionId) => this with { Lines = Lines.RemoveAll(l => l.OptionId == optionId) };

    public CartState StartCheckout(long orderId, long? couponId) =>
        Lines.IsEmpty
            ? throw DomainErrors.Conflict(DomainErrors.CartEmpty, "The cart is empty.")
            : this with
            {
                Pending = new PendingCheckout(orderId,
                    [.. Lines.Select(l => new OrderItemRequest(l.ProductId, l.Quantity, l.OptionId))], couponId),
            };

    /// <summary>The order exists: its lines leave the cart.</summary>
    public CartState CheckedOut() => this with { Lines = [], Pending = null, LastOrderId = Pending?.OrderId };

    /// <summary>The order was refused: the cart stays as it was.</summary>
    public CartState CheckoutRefused() => this with { Pending = null };
}

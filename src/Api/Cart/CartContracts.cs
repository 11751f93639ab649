namespace ECommerce.Api.Cart;

public sealed record SetCartItemRequest(long? Quantity);

public sealed record CheckoutRequest(long? CouponId);

/// <summary>Price and stock are the option's current ones. <see cref="Available"/> is false for an option that no longer
/// exists: it is shown with zeros and left out of the total.</summary>
public sealed record CartItemResponse(long OptionId, long ProductId, string? ProductName, string? OptionName, int Quantity,
    long UnitPrice, int Stock, long LineTotal, bool Available);

public sealed record CartResponse(long UserId, IReadOnlyList<CartItemResponse> Items, long Total);

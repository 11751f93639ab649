namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>A cart line: an option of a product and how many; prices and stock are read live, never kept here.</summary>
[GenerateSerializer, Immutable]
public sealed record CartLine(long OptionId, long ProductId, int Quantity);

[GenerateSerializer, Immutable]
public sealed record CartContents(IReadOnlyList<CartLine> Lines);

/// <summary>A user's cart, keyed by user id. Holds no stock; checking out creates the order through
/// <see cref="IOrderGrain"/> (which never calls a cart) and empties the cart only once the order exists.</summary>
public interface ICartGrain : IGrainWithIntegerKey
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 1_000;

    Task<CartContents> GetAsync();

    /// <summary>Adds the option or sets its quantity (1..1,000); the caller has checked that the option exists.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED, CART_FULL (a 51st line).</exception>
    Task<CartContents> SetItemAsync(long optionId, long productId, int quantity);

    /// <summary>Removes the option's line; a no-op when there is none.</summary>
    Task<CartContents> RemoveItemAsync(long optionId);

    /// <summary>Creates order <paramref name="orderId"/> from the cart and empties it. The checkout is stored before the
    /// order is asked, so a crash is finished by the next call to the cart; a refused order leaves the cart as it was
    /// and throws the order's error. The same order id again answers that order.</summary>
    /// <exception cref="DomainException">CART_EMPTY, and whatever <see cref="IOrderGrain.CreateAsync"/> refuses with.</exception>
    Task<OrderSnapshot> CheckoutAsync(long orderId, long? couponId);
}

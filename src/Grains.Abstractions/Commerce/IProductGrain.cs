
namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>Stock is what can still be reserved (reserved units are already taken out of it).</summary>
[GenerateSerializer, Immutable]
public sealed record ProductSnapshot(long ProductId, string Name, long Price, int Stock, DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable]
public sealed record ReservedLine(long ProductId, string Name, long UnitPrice, int Quantity);

/// <summary>A product and its stock, keyed by product id. Calls no other grain but
/// <see cref="IQueueGrain.CheckPassAsync"/>, for a new hold while behind a waiting room.</summary>
public interface IProductGrain : IGrainWithIntegerKey, IQueueGatedGrain
{
    /// <summary>Creates the product (price 0..1,000,000,000, stock 0..1,000,000); idempotent for the same data.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED, PRODUCT_ALREADY_EXISTS (other data).</exception>
    Task<ProductSnapshot> CreateAsync(string name, long price, int stock);

    /// <exception cref="DomainException">PRODUCT_NOT_FOUND.</exception>
    Task<ProductSnapshot> GetAsync();

    /// <summary>Restocks (positive) or removes (negative) units; never below 0.</summary>
    /// <exception cref="DomainException">PRODUCT_NOT_FOUND, STOCK_INSUFFICIENT, VALIDATION_FAILED.</exception>
    Task<ProductSnapshot> AdjustStockAsync(int delta);

    /// <summary>Takes <paramref name="quantity"/> units out of stock for the order; a repeat for the same order returns
    /// the open reservation without taking more.</summary>
    /// <exception cref="DomainException">PRODUCT_NOT_FOUND, STOCK_INSUFFICIENT, VALIDATION_FAILED; QUEUE_TOKEN_REQUIRED
    /// behind a waiting room without the order's user's admitted token (<see cref="QueuePass"/>).</exception>
    Task<ReservedLine> ReserveAsync(long orderId, int quantity);

    /// <summary>Puts the order's reserved units back; a no-op when the order holds no open reservation.</summary>
    Task ReleaseAsync(long orderId);

    /// <summary>Turns the order's reservation into a sale; a no-op when it was already confirmed.</summary>
    /// <exception cref="DomainException">PRODUCT_NOT_FOUND.</exception>
    Task ConfirmAsync(long orderId);
}

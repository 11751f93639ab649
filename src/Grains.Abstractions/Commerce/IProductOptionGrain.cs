using Orleans.Concurrency;

namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>Which product an option belongs to, keyed by option id; written before the product that holds the option is
/// created, so no option is ever visible without it. A product's first option (id = the product id) needs none.
/// Calls no other grain.</summary>
public interface IProductOptionGrain : IGrainWithIntegerKey
{
    /// <summary>Records the option's product; a repeat with the same product is a no-op.</summary>
    /// <exception cref="DomainException">PRODUCT_ALREADY_EXISTS when the option id already belongs to another product.</exception>
    Task AssignAsync(long productId);

    /// <summary>The product the option was assigned to, or null.</summary>
    [ReadOnly]
    Task<long?> GetProductIdAsync();
}


namespace ECommerce.Grains.Abstractions.Commerce;

[GenerateSerializer, Immutable]
public sealed record CatalogItem(long ProductId, string Name, long Price);

/// <summary>page is 1-based; size 1..100; <paramref name="Query"/> matches a name substring, case-insensitively.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogQuery(int Page = 1, int Size = 20, string? Query = null, long? MinPrice = null,
    long? MaxPrice = null);

/// <summary>Items ordered by product id; live stock comes from each <see cref="IProductGrain"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogPage(IReadOnlyList<CatalogItem> Items, int Page, int Size, int Total);

/// <summary>The product listing (single activation, key <see cref="Key"/>). Told of a product by whoever created it,
/// once <see cref="IProductGrain.CreateAsync"/> has answered (so the product is stored), and rebuilt from the product
/// table on activation; never calls a product.</summary>
public interface ICatalogGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    Task AddAsync(CatalogItem item);

    /// <exception cref="DomainException">VALIDATION_FAILED for a bad page, size or price range.</exception>
    Task<CatalogPage> SearchAsync(CatalogQuery query);
}

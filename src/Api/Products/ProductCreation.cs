using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Products;

/// <summary>Creating a product is two steps: the product grain stores it, then the catalog lists it. The catalog is
/// told only after the product's (group-commit) write has committed, so a failed write never leaves a listed ghost.</summary>
internal static class ProductCreation
{
    public static async Task<ProductSnapshot> CreateAsync(IGrainFactory grains, long productId, string name, long price, int stock)
    {
        var product = await grains.GetGrain<IProductGrain>(productId).CreateAsync(name, price, stock);
        await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).AddAsync(CatalogItem.From(product));
        return product;
    }
}

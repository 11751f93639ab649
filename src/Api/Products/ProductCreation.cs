using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Products;

/// <summary>Creating a product is two steps: the product grain stores it, then the catalog lists it. The catalog is
/// told only after the product's (group-commit) write has committed, so a failed write never leaves a listed ghost.</summary>
internal static class ProductCreation
{
    public static Task<ProductSnapshot> CreateAsync(IGrainFactory grains, long productId, string name, long price, int stock) =>
        CreateAsync(grains, productId, name, [(IProductGrain.DefaultOptionName, price, stock)]);

    /// <summary>Option ids come from the product sequence, the first one is the product id; each option's index entry
    /// is stored before the product, so an option is never visible without it.</summary>
    /// <param name="optionIds">The ids of the options after the first, when the caller reserved them (a re-run must
    /// use the same ones); else they are taken from the sequence.</param>
    public static async Task<ProductSnapshot> CreateAsync(IGrainFactory grains, long productId, string name,
        IReadOnlyList<(string Name, long Price, int Stock)> options, IReadOnlyList<long>? optionIds = null)
    {
        var ids = new List<long> { productId };
        ids.AddRange(optionIds ?? []);
        var sequence = grains.GetGrain<IIdAllocatorGrain>(IdSequences.Product);
        while (ids.Count < options.Count)
        {
            ids.Add(await sequence.NextIdAsync());
        }

        await Task.WhenAll(ids.Select(id => grains.GetGrain<IProductOptionGrain>(id).AssignAsync(productId)));
        var product = await grains.GetGrain<IProductGrain>(productId).CreateWithOptionsAsync(name,
            options.Select((o, i) => new NewProductOption(ids[i], o.Name, o.Price, o.Stock)).ToList());
        await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).AddAsync(CatalogItem.From(product));
        return product;
    }
}

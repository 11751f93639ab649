using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Products;

/// <summary>Finds the product of an option: the option's index grain, written before its product was created; a
/// product stored before options existed has no index entries, and its one option's id is the product id.</summary>
internal static class ProductOptionLookup
{
    /// <summary>The product id of <paramref name="optionId"/>, without asking the product when the index knows it.</summary>
    /// <exception cref="DomainException">PRODUCT_OPTION_NOT_FOUND.</exception>
    public static async Task<long> ProductIdOfAsync(IGrainFactory grains, long optionId)
    {
        if (await grains.GetGrain<IProductOptionGrain>(optionId).GetProductIdAsync() is { } productId)
        {
            return productId;
        }

        return (await FindAsync(grains, optionId, optionId)).Product.ProductId;
    }

    /// <summary>The product and its option; <paramref name="productId"/> null: looked up by the option.</summary>
    /// <exception cref="DomainException">PRODUCT_OPTION_NOT_FOUND (also when the product does not exist).</exception>
    public static async Task<(ProductSnapshot Product, ProductOptionSnapshot Option)> FindAsync(IGrainFactory grains,
        long optionId, long? productId = null)
    {
        var owner = productId ?? await grains.GetGrain<IProductOptionGrain>(optionId).GetProductIdAsync() ?? optionId;
        ProductSnapshot product;
        try
        {
            product = await grains.GetGrain<IProductGrain>(owner).GetAsync();
        }
        catch (DomainException missing) when (missing.Code == DomainErrors.ProductNotFound)
        {
            throw DomainErrors.NotFound(DomainErrors.ProductOptionNotFound, "Product option", optionId);
        }

        return (product, product.Option(optionId));
    }

    /// <summary>The order grain's own STOCK_INSUFFICIENT for the first line its product cannot cover now, as a value, or
    /// null; a line that passes here may still be refused by the order, which decides on its holds.</summary>
    /// <exception cref="DomainException">PRODUCT_NOT_FOUND, PRODUCT_OPTION_NOT_FOUND, PRODUCT_OPTION_REQUIRED.</exception>
    public static async Task<DomainException?> ShortageAsync(IGrainFactory grains, IReadOnlyList<OrderItemRequest> lines)
    {
        var products = await Task.WhenAll(lines.Select(line => grains.GetGrain<IProductGrain>(line.ProductId).GetAsync()));
        for (var i = 0; i < lines.Count; i++)
        {
            if (products[i].ShortageFor(lines[i]) is { } shortage)
            {
                return shortage;
            }
        }

        return null;
    }

    /// <summary>Order lines as the order grain takes them: a line with only an option gets its product; a line with only
    /// a product keeps option 0 (the product's only option, checked by the order itself).</summary>
    public static async Task<List<OrderItemRequest>> ResolveAsync(IGrainFactory grains,
        IEnumerable<(long? ProductId, long? OptionId, int Quantity)> lines) =>
        [.. await Task.WhenAll(lines.Select(async line => line switch
        {
            { ProductId: { } productId } => new OrderItemRequest(productId, line.Quantity, line.OptionId ?? 0),
            _ => new OrderItemRequest(await ProductIdOfAsync(grains, line.OptionId!.Value), line.Quantity, line.OptionId!.Value),
        }))];
}

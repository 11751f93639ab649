using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Products;

public sealed record ProductOptionInput(string? Name, long? Price, long? Stock);

/// <summary>Without <see cref="Options"/>, name, price and stock make the product's one option ("default"); with them,
/// price and stock may be left out.</summary>
public sealed record CreateProductRequest(string? Name, long? Price, long? Stock,
    IReadOnlyList<ProductOptionInput?>? Options = null);

/// <summary><see cref="OptionId"/> is required when the product has several options.</summary>
public sealed record AdjustStockRequest(long? Delta, long? OptionId = null);

public sealed record ProductOptionResponse(long OptionId, string Name, long Price, int Stock);

/// <summary>Price is the lowest option price and Stock the sum over the options.</summary>
public sealed record ProductResponse(long ProductId, string Name, long Price, int Stock,
    IReadOnlyList<ProductOptionResponse> Options)
{
    public static ProductResponse From(ProductSnapshot product) =>
        new(product.ProductId, product.Name, product.Price, product.Stock,
            product.Options.Select(o => new ProductOptionResponse(o.OptionId, o.Name, o.Price, o.Stock)).ToList());
}

public sealed record ProductPageResponse(IReadOnlyList<ProductResponse> Items, int Page, int Size, int Total);

public sealed record TopProductOptionResponse(long OptionId, string Name, long Quantity);

public sealed record TopProductResponse(int Rank, long ProductId, string Name, long SalesCount,
    IReadOnlyList<TopProductOptionResponse> Options)
{
    public static TopProductResponse From(TopProduct top) => new(top.Rank, top.ProductId, top.Name, top.SalesCount,
        top.Options.Select(o => new TopProductOptionResponse(o.OptionId, o.Name, o.Quantity)).ToList());
}

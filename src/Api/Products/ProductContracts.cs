using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Products;

public sealed record CreateProductRequest(string? Name, long? Price, long? Stock);

public sealed record AdjustStockRequest(long? Delta);

public sealed record ProductResponse(long ProductId, string Name, long Price, int Stock)
{
    public static ProductResponse From(ProductSnapshot product) =>
        new(product.ProductId, product.Name, product.Price, product.Stock);
}

public sealed record ProductPageResponse(IReadOnlyList<ProductResponse> Items, int Page, int Size, int Total);

public sealed record TopProductResponse(int Rank, long ProductId, string Name, long SalesCount)
{
    public static TopProductResponse From(TopProduct top) => new(top.Rank, top.ProductId, top.Name, top.SalesCount);
}

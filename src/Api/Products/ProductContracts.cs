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

    /// <summary>By value, options included, so two answers about the same product compare equal.</summary>
    public bool Equals(ProductResponse? other) =>
        other is not null && (ProductId, Name, Price, Stock) == (other.ProductId, other.Name, other.Price, other.Stock)
        && Options.SequenceEqual(other.Options);

    public override int GetHashCode() => HashCode.Combine(ProductId, Name, Price, Stock, Options.Count);
}

public sealed record ProductPageResponse(IReadOnlyList<ProductResponse> Items, int Page, int Size, int Total);

public sealed record TopProductOptionResponse(long OptionId, string Name, long Quantity);

public sealed record TopProductResponse(int Rank, long ProductId, string Name, long SalesCount,
    IReadOnlyList<TopProductOptionResponse> Options)
{
    public static TopProductResponse From(TopProduct top) => new(top.Rank, top.ProductId, top.Name, top.SalesCount,
        top.Options.Select(o => new TopProductOptionResponse(o.OptionId, o.Name, o.Quantity)).ToList());

    public bool Equals(TopProductResponse? other) =>
        other is not null && (Rank, ProductId, Name, SalesCount) == (other.Rank, other.ProductId, other.Name, other.SalesCount)
        && Options.SequenceEqual(other.Options);

    public override int GetHashCode() => HashCode.Combine(Rank, ProductId, Name, SalesCount);
}

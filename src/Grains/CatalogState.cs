using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>A read model of every product's id, name and price, stored as the catalog grain's own state.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogState
{
    public const int MaxPageSize = 100;

    [Id(0)]
    public ImmutableSortedDictionary<long, CatalogItem> Items { get; init; } =
        ImmutableSortedDictionary<long, CatalogItem>.Empty;

    public CatalogState Add(CatalogItem item) => this with { Items = Items.SetItem(item.ProductId, item) };

    public CatalogPage Search(CatalogQuery query)
    {
        if (query.Page < 1 || query.Size is < 1 or > MaxPageSize)
        {
            throw DomainErrors.Validation($"page must be at least 1 and size 1..{MaxPageSize}.");
        }

        if (query.MinPrice < 0 || query.MaxPrice < 0 || query.MinPrice > query.MaxPrice)
        {
            throw DomainErrors.Validation("minPrice and maxPrice must be non-negative and minPrice <= maxPrice.");
        }

        var text = string.IsNullOrWhiteSpace(query.Query) ? null : query.Query.Trim();
        var matches = Items.Values.Where(item =>
            (text is null || item.Name.Contains(text, StringComparison.OrdinalIgnoreCase))
            && (query.MinPrice is not { } min || item.Price >= min)
            && (query.MaxPrice is not { } max || item.Price <= max)).ToList();

        var skip = (long)(query.Page - 1) * query.Size;
        var page = skip >= matches.Count ? [] : matches.Skip((int)skip).Take(query.Size).ToList();
        return new CatalogPage(page, query.Page, query.Size, matches.Count);
    }
}

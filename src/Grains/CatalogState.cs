using System.Collections.Immutable;
using System.Text;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>A read model of every product's name, options and creation time, stored as the catalog grain's own state.
/// Its word index is not stored: it is built from the items the first time a search needs it (after activation or a
/// reload) and then changed along with each item.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogState
{
    public const int MaxPageSize = 100;
    public const int MaxQueryLength = 200;
    public const int MaxQueryWords = 10;

    [NonSerialized]
    private CatalogIndex? _index;

    [Id(0)]
    public ImmutableSortedDictionary<long, CatalogItem> Items { get; init; } =
        ImmutableSortedDictionary<long, CatalogItem>.Empty;

    internal CatalogIndex Index => _index ??= CatalogIndex.Build(Items.Values);

    /// <summary>Lists or replaces <paramref name="item"/>.</summary>
    public CatalogState Add(CatalogItem item)
    {
        var known = Items.GetValueOrDefault(item.ProductId);
        var next = this with { Items = Items.SetItem(item.ProductId, item with { Options = item.Options ?? [] }) };
        next._index = Index.Rename(item.ProductId, known?.Name, item.Name);
        return next;
    }

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

        if (!Enum.IsDefined(query.Sort))
        {
            throw DomainErrors.Validation("sort must be one of name, price, -price, newest.");
        }

        var candidates = string.IsNullOrWhiteSpace(query.Query)
            ? Items.Values
            : Index.Match(Words(query.Query)).Select(id => Items[id]);
        var inStockOnly = query.InStock == true;
        var filtered = inStockOnly || query.MinPrice is not null || query.MaxPrice is not null;
        var matches = new List<(CatalogItem Item, long? Price)>();
        foreach (var item in candidates)
        {
            long? price = null;
            foreach (var option in item.Options ?? [])
            {
                if ((!inStockOnly || option.InStock) && option.Price >= (query.MinPrice ?? 0)
                    && option.Price <= (query.MaxPrice ?? long.MaxValue) && (price is null || option.Price < price))
                {
                    price = option.Price;
                }
            }

            if (price is not null || !filtered)
            {
                matches.Add((item, price));
            }
        }

        var ordered = Order(matches, query.Sort).Select(match => match.Item).ToList();
        var skip = (long)(query.Page - 1) * query.Size;
        var page = skip >= ordered.Count ? [] : ordered.Skip((int)skip).Take(query.Size).ToList();
        return new CatalogPage(page, query.Page, query.Size, ordered.Count);
    }

    private static IReadOnlyList<string> Words(string query)
    {
        var words = query.Length <= MaxQueryLength ? CatalogWords.Split(query) : [];
        return words.Count is > 0 and <= MaxQueryWords
            ? words
            : throw DomainErrors.Validation(
                $"q must be at most {MaxQueryLength} characters with 1..{MaxQueryWords} words of letters or digits.");
    }

    // A product without options (stored before options, not yet reported again) has no price and sorts last by price.
    private static IEnumerable<(CatalogItem Item, long? Price)> Order(List<(CatalogItem Item, long? Price)> matches,
        CatalogSort sort) => sort switch
    {
        CatalogSort.Name => matches
            .OrderBy(m => m.Item.Name.Normalize(NormalizationForm.FormKC), StringComparer.OrdinalIgnoreCase)
            .ThenBy(m => m.Item.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Item.ProductId),
        CatalogSort.Price => matches.OrderBy(m => m.Price ?? long.MaxValue).ThenBy(m => m.Item.ProductId),
        CatalogSort.PriceDescending => matches
            .OrderBy(m => m.Price is null)
            .ThenByDescending(m => m.Price)
            .ThenBy(m => m.Item.ProductId),
        CatalogSort.Newest => matches.OrderByDescending(m => m.Item.CreatedAt).ThenByDescending(m => m.Item.ProductId),
        _ => matches.OrderBy(m => m.Item.ProductId),
    };
}

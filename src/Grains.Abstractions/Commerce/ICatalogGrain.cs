
namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>One option of a listed product. <see cref="Stock"/> is the stock the product last reported; the product
/// reports again when an option goes out of stock or comes back, so only whether it is above 0 is kept current.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogOption(long OptionId, string Name, long Price, int Stock)
{
    public bool InStock => Stock > 0;
}

/// <summary>What the catalog lists of a product: its name (searched by word), its options (filtered by price and
/// stock) and when it was created (for <see cref="CatalogSort.Newest"/>).</summary>
/// <remarks>Stored in the catalog's state: Orleans keeps a record's primary-constructor parameters and its [Id]
/// properties as two layers, so <see cref="ProductId"/> and <see cref="Name"/> stay the primary constructor (as
/// before options, when a third parameter held the single price, which old states still carry and loading skips) and
/// what came with options are properties.</remarks>
[GenerateSerializer, Immutable]
public sealed record CatalogItem(long ProductId, string Name)
{
    public CatalogItem(long productId, string name, IReadOnlyList<CatalogOption> options, DateTimeOffset createdAt)
        : this(productId, name)
    {
        Options = options;
        CreatedAt = createdAt;
    }

    /// <summary>Empty (or null, as loaded) only for an item stored before options, until its product reports again.</summary>
    [Id(0)]
    public IReadOnlyList<CatalogOption> Options { get; init; } = [];

    [Id(1)]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The one mapping from a product to its listing. Today a product is its own single option, whose id is
    /// the product id.</summary>
    public static CatalogItem From(ProductSnapshot product) =>
        new(product.ProductId, product.Name,
            [.. product.Options.Select(o => new CatalogOption(o.OptionId, o.Name, o.Price, o.Stock))], product.CreatedAt);

    /// <summary>Whether the catalog would list both the same way: same name, creation time and options, each with the
    /// same price and the same in-stock flag (a stock that moved but stayed above 0 changes nothing listed).</summary>
    public bool ListsLike(CatalogItem other)
    {
        // Runs after every call to a product (see ProductGrain), so a plain loop rather than LINQ.
        IReadOnlyList<CatalogOption> mine = Options ?? [], theirs = other.Options ?? [];
        if (ProductId != other.ProductId || Name != other.Name || CreatedAt != other.CreatedAt || mine.Count != theirs.Count)
        {
            return false;
        }

        for (var i = 0; i < mine.Count; i++)
        {
            if (mine[i].OptionId != theirs[i].OptionId || mine[i].Name != theirs[i].Name || mine[i].Price != theirs[i].Price
                || mine[i].InStock != theirs[i].InStock)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The order of a search's results; every order ends on the product id, so pages never overlap.</summary>
public enum CatalogSort
{
    /// <summary>By product id, ascending: the order before sorting existed, and the default.</summary>
    Id,
    /// <summary>By name, NFKC-normalised, ordinal and case-insensitive (Hangul syllables thus in dictionary order).</summary>
    Name,
    /// <summary>By the product's matching price (its lowest option price that passes the filters), ascending.</summary>
    Price,
    /// <summary>The exact reverse of <see cref="Price"/>'s price order (ties still by product id, ascending).</summary>
    PriceDescending,
    /// <summary>By creation time, newest first.</summary>
    Newest,
}

/// <summary>page is 1-based; size 1..100. <paramref name="Query"/> is split into words like a product name (see
/// <c>CatalogWords</c>); a product matches when each query word is a whole word or the start of a word of its name.
/// A product passes the price range when one of its options' price lies in it; with <paramref name="InStock"/> true
/// only options in stock count, for the range and for the price sort alike.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogQuery(int Page = 1, int Size = 20, string? Query = null, long? MinPrice = null,
    long? MaxPrice = null, bool? InStock = null, CatalogSort Sort = CatalogSort.Id);

/// <summary>Items in the query's order; live stock comes from each <see cref="IProductGrain"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogPage(IReadOnlyList<CatalogItem> Items, int Page, int Size, int Total);

/// <summary>The product listing and its word index (single activation, key <see cref="Key"/>). Its items are its own
/// stored state; the word index is built from them in memory on activation, so no search reads storage. Told of a
/// product by whoever created it, once <see cref="IProductGrain.CreateAsync"/> has answered (so the product is
/// stored), and by the product itself whenever what is listed of it changes; never calls a product.</summary>
public interface ICatalogGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Lists a new product; a no-op when it is listed already, so a creator's late call never undoes a newer
    /// report of the product itself.</summary>
    Task AddAsync(CatalogItem item);

    /// <summary>The product's own report of its current listing; replaces what is listed (a no-op when it lists
    /// the same).</summary>
    Task UpdateAsync(CatalogItem item);

    /// <exception cref="DomainException">VALIDATION_FAILED for a bad page, size, price range, sort or query.</exception>
    Task<CatalogPage> SearchAsync(CatalogQuery query);
}

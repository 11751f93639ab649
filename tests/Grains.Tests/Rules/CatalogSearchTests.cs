using System.Collections.Immutable;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

public sealed class CatalogSearchTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CatalogItem Item(long id, string name, params (long Price, int Stock)[] options) =>
        new(id, name, options.Select((o, i) => new CatalogOption(i == 0 ? id : id * 100 + i, $"{name} #{i}", o.Price, o.Stock)).ToList(),
            Start.AddMinutes(id));

    private static CatalogState Catalog(params CatalogItem[] items) =>
        items.Aggregate(new CatalogState(), (catalog, item) => catalog.Add(item));

    private static List<long> Ids(CatalogState catalog, CatalogQuery query) =>
        catalog.Search(query).Items.Select(i => i.ProductId).ToList();

    private static readonly CatalogState Shop = Catalog(
        Item(1, "Wireless Mouse", (25_000, 3)),
        Item(2, "무선 키보드", (39_000, 0), (45_000, 2)),
        Item(3, "USB-C 케이블 1m", (9_000, 10)),
        Item(4, "mouse pad", (5_000, 0)),
        Item(5, "게이밍 무선 마우스", (59_000, 1), (20_000, 0)),
        Item(6, "Ｍｏｕｓｅ ｂｕｎｇｅｅ", (12_000, 4)));

    [Theory]
    [InlineData("mouse", new long[] { 1, 4, 6 })]
    [InlineData("MOU", new long[] { 1, 4, 6 })]
    [InlineData("mouse pad", new long[] { 4 })]
    [InlineData("pad mouse", new long[] { 4 })]
    [InlineData("ouse", new long[0])]
    [InlineData("mouse keyboard", new long[0])]
    [InlineData("무선", new long[] { 2, 5 })]
    [InlineData("키보", new long[] { 2 })]
    [InlineData("보드", new long[0])]
    [InlineData("무선 마우", new long[] { 5 })]
    [InlineData("usb c", new long[] { 3 })]
    [InlineData("usb-c", new long[] { 3 })]
    [InlineData("1m", new long[] { 3 })]
    [InlineData("bungee", new long[] { 6 })]
    [InlineData("ＵＳＢ", new long[] { 3 })]
    [InlineData("  ", new long[] { 1, 2, 3, 4, 5, 6 })]
    public void EveryQueryWordMustBeANameWordOrTheStartOfOne(string q, long[] expected)
    {
        Assert.Equal(expected, Ids(Shop, new CatalogQuery(Query: q)));
    }

    [Fact]
    public void DecomposedHangulInTheQueryFindsComposedHangulInTheName()
    {
        var decomposed = "키보드".Normalize(System.Text.NormalizationForm.FormD);
        Assert.NotEqual("키보드", decomposed);

        Assert.Equal([2L], Ids(Shop, new CatalogQuery(Query: decomposed)));
    }

    [Fact]
    public void APriceRangeMatchesAProductWhenAnyOfItsOptionsPriceIsInIt()
    {
        Assert.Equal([2L, 5], Ids(Shop, new CatalogQuery(MinPrice: 40_000, MaxPrice: 60_000)));
        Assert.Equal([1L, 5], Ids(Shop, new CatalogQuery(MinPrice: 20_000, MaxPrice: 25_000)));
        Assert.Equal([4L], Ids(Shop, new CatalogQuery(MaxPrice: 5_000)));
        Assert.Equal([2L, 5], Ids(Shop, new CatalogQuery(MinPrice: 39_000)));
        Assert.Empty(Ids(Shop, new CatalogQuery(MinPrice: 60_000)));
    }

    [Fact]
    public void InStockKeepsProductsWithAnOptionInStockAndOnlyThoseOptionsCountForThePrice()
    {
        Assert.Equal([1L, 2, 3, 5, 6], Ids(Shop, new CatalogQuery(InStock: true)));
        Assert.Equal([1L, 2, 3, 4, 5, 6], Ids(Shop, new CatalogQuery(InStock: false)));
        // Product 2's 39,000 option and product 5's 20,000 option are sold out.
        Assert.Empty(Ids(Shop, new CatalogQuery(MinPrice: 39_000, MaxPrice: 40_000, InStock: true)));
        Assert.Equal([1L], Ids(Shop, new CatalogQuery(MinPrice: 20_000, MaxPrice: 25_000, InStock: true)));
        Assert.Equal([2L, 5], Ids(Shop, new CatalogQuery(Query: "무선", InStock: true)));
        Assert.Empty(Ids(Shop, new CatalogQuery(Query: "pad", InStock: true)));
    }

    [Fact]
    public void EverySortOrdersTheWholeResultAndEndsOnTheProductId()
    {
        Assert.Equal([1L, 2, 3, 4, 5, 6], Ids(Shop, new CatalogQuery()));
        // NFKC (full-width Latin is Latin), ordinal, case-insensitive: Latin before Hangul, and 게 < 무.
        Assert.Equal([6L, 4, 3, 1, 5, 2], Ids(Shop, new CatalogQuery(Sort: CatalogSort.Name)));
        // Lowest option price: 4 = 5,000, 3 = 9,000, 6 = 12,000, 5 = 20,000, 1 = 25,000, 2 = 39,000.
        Assert.Equal([4L, 3, 6, 5, 1, 2], Ids(Shop, new CatalogQuery(Sort: CatalogSort.Price)));
        Assert.Equal([2L, 1, 5, 6, 3, 4], Ids(Shop, new CatalogQuery(Sort: CatalogSort.PriceDescending)));
        Assert.Equal([6L, 5, 4, 3, 2, 1], Ids(Shop, new CatalogQuery(Sort: CatalogSort.Newest)));
        // In stock only, 5's price is its 59,000 option and 2's is 45,000.
        Assert.Equal([3L, 6, 1, 2, 5], Ids(Shop, new CatalogQuery(InStock: true, Sort: CatalogSort.Price)));
        // Within 20,000..50,000, 5's matching price is 20,000 and 2's is 39,000.
        Assert.Equal([5L, 1, 2], Ids(Shop, new CatalogQuery(MinPrice: 20_000, MaxPrice: 50_000, Sort: CatalogSort.Price)));
    }

    [Fact]
    public void EqualPricesAndNamesFallBackToTheProductId()
    {
        var catalog = Catalog(Item(7, "Cup", (1_000, 1)), Item(3, "cup", (1_000, 1)), Item(5, "Cup", (1_000, 1)));

        Assert.Equal([3L, 5, 7], Ids(catalog, new CatalogQuery(Sort: CatalogSort.Price)));
        Assert.Equal([3L, 5, 7], Ids(catalog, new CatalogQuery(Sort: CatalogSort.PriceDescending)));
        // Case-insensitive equal, then ordinal: "Cup" < "cup".
        Assert.Equal([5L, 7, 3], Ids(catalog, new CatalogQuery(Sort: CatalogSort.Name)));
    }

    [Fact]
    public void PagesCutTheSortedResultAndTotalCountsEveryMatch()
    {
        var catalog = Catalog(Enumerable.Range(1, 45).Select(i => Item(i, $"Item {i}", (i * 100L, i % 3))).ToArray());

        var second = catalog.Search(new CatalogQuery(Page: 2, Size: 10, InStock: true, Sort: CatalogSort.PriceDescending));
        var last = catalog.Search(new CatalogQuery(Page: 3, Size: 10, InStock: true, Sort: CatalogSort.PriceDescending));

        var inStockDescending = Enumerable.Range(1, 45).Where(i => i % 3 != 0).Reverse().Select(i => (long)i).ToList();
        Assert.Equal((30, 2, 10), (second.Total, second.Page, second.Size));
        Assert.Equal(inStockDescending.Skip(10).Take(10), second.Items.Select(i => i.ProductId));
        Assert.Equal(inStockDescending.Skip(20), last.Items.Select(i => i.ProductId));
        Assert.Empty(catalog.Search(new CatalogQuery(Page: 4, Size: 10, InStock: true)).Items);
    }

    [Fact]
    public void ARenamedProductIsFoundByItsNewWordsOnly()
    {
        var catalog = Shop.Add(Item(4, "desk mat", (5_000, 0)));

        Assert.Equal([1L, 6], Ids(catalog, new CatalogQuery(Query: "mouse")));
        Assert.Equal([4L], Ids(catalog, new CatalogQuery(Query: "mat")));
        Assert.Equal(6, catalog.Search(new CatalogQuery()).Total);
    }

    [Fact]
    public void AStateReadFromStorageBuildsTheSameIndexAsOneBuiltItemByItem()
    {
        var stored = new CatalogState { Items = Shop.Items };

        foreach (var q in new[] { "mouse", "무선", "usb", "bun", "m" })
        {
            Assert.Equal(Ids(Shop, new CatalogQuery(Query: q)), Ids(stored, new CatalogQuery(Query: q)));
        }
    }

    [Fact]
    public void AnItemStoredBeforeOptionsIsFoundByNameButNotByPriceOrStock()
    {
        var legacy = new CatalogItem(9, "Old lamp", null!, Start);
        var catalog = Shop.Add(legacy);

        Assert.Equal([9L], Ids(catalog, new CatalogQuery(Query: "lamp")));
        Assert.Empty(Ids(catalog, new CatalogQuery(Query: "lamp", InStock: true)));
        Assert.Empty(Ids(catalog, new CatalogQuery(Query: "lamp", MaxPrice: 1_000_000)));
        Assert.Equal(9L, Ids(catalog, new CatalogQuery(Sort: CatalogSort.Price)).Last());
    }

    [Fact]
    public void AListingChangesWithAnInStockFlipNotWithEveryStockMove()
    {
        var item = Item(1, "Mouse", (25_000, 3), (26_000, 1));

        Assert.True(item.ListsLike(Item(1, "Mouse", (25_000, 1), (26_000, 9))));
        Assert.False(item.ListsLike(Item(1, "Mouse", (25_000, 3), (26_000, 0))));
        Assert.False(item.ListsLike(Item(1, "Mouse", (25_000, 3))));
        Assert.False(item.ListsLike(Item(1, "Mouse", (24_000, 3), (26_000, 1))));
        Assert.False(item.ListsLike(Item(1, "Mice", (25_000, 3), (26_000, 1))));
    }

    public static TheoryData<CatalogQuery> BadQueries => new()
    {
        new CatalogQuery(Sort: (CatalogSort)99),
        new CatalogQuery(Query: "!!! ---"),
        new CatalogQuery(Query: new string('a', CatalogState.MaxQueryLength + 1)),
        new CatalogQuery(Query: string.Join(' ', Enumerable.Range(1, CatalogState.MaxQueryWords + 1))),
        new CatalogQuery(MinPrice: 10, MaxPrice: 9),
        new CatalogQuery(MaxPrice: -1),
        new CatalogQuery(Page: 0),
        new CatalogQuery(Size: CatalogState.MaxPageSize + 1),
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public void RejectsABadSortQueryRangeOrPage(CatalogQuery query)
    {
        Assert.Equal(DomainErrors.ValidationFailed, Assert.Throws<DomainException>(() => Shop.Search(query)).Code);
    }

    [Fact]
    public void TheMostWordsAndTheLongestQueryAreAccepted()
    {
        var words = string.Join(' ', Enumerable.Range(1, CatalogState.MaxQueryWords).Select(_ => "mouse"));
        Assert.Equal([1L, 4, 6], Ids(Shop, new CatalogQuery(Query: words)));
        Assert.Empty(Ids(Shop, new CatalogQuery(Query: new string('a', CatalogState.MaxQueryLength))));
        Assert.Equal(ImmutableArray<long>.Empty, Ids(Shop, new CatalogQuery(Query: "zzz")).ToImmutableArray());
    }
}

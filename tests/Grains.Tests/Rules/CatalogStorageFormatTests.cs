using System.Collections.Immutable;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;
using Orleans.Serialization;

namespace ECommerce.Grains.Tests.Rules;

/// <summary>The catalog's state as stored before options (an item was id, name, price) must still load: the old
/// price field is skipped and the item waits, without options, for its product to report again.</summary>
public sealed class CatalogStorageFormatTests
{
    private static readonly Serializer Serializer = StoredForm.Serializer;

    [Fact]
    public void ACatalogStoredBeforeOptionsLoadsWithItsNamesAndNoOptions()
    {
        var before = new CatalogStateBeforeOptions
        {
            Items = ImmutableSortedDictionary<long, CatalogItemBeforeOptions>.Empty
                .Add(7, new CatalogItemBeforeOptions(7, "무선 키보드", 39_000)),
        };

        var loaded = Serializer.Deserialize<CatalogState>(Serializer.SerializeToArray(before));

        var item = Assert.Single(loaded!.Items.Values);
        Assert.Equal((7L, "무선 키보드"), (item.ProductId, item.Name));
        Assert.Empty(loaded.Add(item).Items[7].Options);
        Assert.Equal([7L], loaded.Search(new CatalogQuery(Query: "키보")).Items.Select(i => i.ProductId));
        Assert.Empty(loaded.Search(new CatalogQuery(InStock: true, MaxPrice: 50_000)).Items);
        Assert.True(new CatalogItem(7, "무선 키보드", [], default).ListsLike(item));
    }

    [Fact]
    public void ACatalogWithOptionsRoundTrips()
    {
        var item = new CatalogItem(3, "Mug", [new CatalogOption(3, "Mug", 4_000, 2), new CatalogOption(31, "Big mug", 5_000, 0)],
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        var loaded = Serializer.Deserialize<CatalogState>(Serializer.SerializeToArray(new CatalogState().Add(item)));

        var read = Assert.Single(loaded!.Items.Values);
        Assert.Equal((item.ProductId, item.Name, item.CreatedAt), (read.ProductId, read.Name, read.CreatedAt));
        Assert.Equal(item.Options, read.Options);
    }
}

/// <summary>The stored shapes of the catalog before options, field for field.</summary>
[GenerateSerializer]
public sealed record CatalogItemBeforeOptions(long ProductId, string Name, long Price);

[GenerateSerializer]
public sealed record CatalogStateBeforeOptions
{
    [Id(0)]
    public ImmutableSortedDictionary<long, CatalogItemBeforeOptions> Items { get; init; } =
        ImmutableSortedDictionary<long, CatalogItemBeforeOptions>.Empty;
}

using ECommerce.Grains.Abstractions.Commerce;
using Orleans.Core.Internal;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteCatalogListingTests(SqliteClusterFixture fixture) : CatalogListingTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresCatalogListingTests(PostgresClusterFixture fixture) : CatalogListingTests(fixture);

/// <summary>Products tell the catalog themselves when what it lists of them changes; nobody else calls the catalog here.</summary>
public abstract class CatalogListingTests(CommerceClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private ICatalogGrain Catalog => _grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key);

    private async Task<List<long>> InStockAsync(string word) =>
        (await Catalog.SearchAsync(new CatalogQuery(Query: word, InStock: true))).Items.Select(i => i.ProductId).ToList();

    [StorageFact]
    public async Task AProductListsItselfAndFollowsItsStockGoingOutAndComingBack()
    {
        var word = "w" + Guid.NewGuid().ToString("N");
        var productId = await _grains.NextIdAsync(IdSequences.Product);
        var product = _grains.GetGrain<IProductGrain>(productId);
        await product.CreateAsync($"Lamp {word}", 4_000, 2);

        await WaitForAsync(() => InStockAsync(word), ids => ids.SequenceEqual([productId]), "the new product listed in stock");

        var firstOrder = await _grains.NextIdAsync(IdSequences.Order);
        await product.ReserveAsync(firstOrder, 1);
        await product.ReserveAsync(firstOrder + 1_000_000, 1);
        await WaitForAsync(() => InStockAsync(word), ids => ids.Count == 0, "the sold-out product gone from in stock");
        var listed = (await Catalog.SearchAsync(new CatalogQuery(Query: word))).Items.Single();
        Assert.Equal((productId, $"Lamp {word}", 4_000L, 0), (listed.ProductId, listed.Name, listed.Options.Single().Price, listed.Options.Single().Stock));

        await product.ReleaseAsync(firstOrder);
        await WaitForAsync(() => InStockAsync(word), ids => ids.SequenceEqual([productId]), "the released unit back in stock");
    }

    [StorageFact]
    public async Task AProductReportsAgainOnItsNextActivationSoAListingTheCatalogMissedIsCorrected()
    {
        var word = "w" + Guid.NewGuid().ToString("N");
        var productId = await _grains.NextIdAsync(IdSequences.Product);
        var product = _grains.GetGrain<IProductGrain>(productId);
        var created = await product.CreateAsync($"Mug {word}", 1_000, 3);
        await WaitForAsync(() => InStockAsync(word), ids => ids.SequenceEqual([productId]), "the new product listed in stock");

        // As if the catalog had missed a restock: it lists the product sold out while the product has 3.
        await Catalog.UpdateAsync(CatalogItem.From(created with { Stock = 0, Options = [created.Options.Single() with { Stock = 0 }] }));
        Assert.Empty(await InStockAsync(word));
        await product.GetAsync();
        Assert.Empty(await InStockAsync(word));

        await product.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await product.GetAsync();

        await WaitForAsync(() => InStockAsync(word), ids => ids.SequenceEqual([productId]), "the reactivated product listed in stock again");
    }
}

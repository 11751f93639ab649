using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteProductOptionsTests(SqliteClusterFixture fixture) : ProductOptionsTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresProductOptionsTests(PostgresClusterFixture fixture) : ProductOptionsTests(fixture);

public abstract class ProductOptionsTests(CommerceClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [StorageFact]
    public async Task AProductStoredBeforeOptionsIsServedAsOneOptionWithItsStockAndHoldsAndStoredUpgradedOnItsNextChange()
    {
        var productId = await _grains.NextIdAsync(IdSequences.Product);
        var product = _grains.GetGrain<IProductGrain>(productId);
        const long olderOrder = 987_654_321;
        await fixture.Cluster.WriteStoredStateAsync("product", product, new ProductState
        {
            Name = "old kettle", LegacyPrice = 1_500, LegacyStock = 6, LegacySold = 1, CreatedAt = DateTimeOffset.UtcNow,
            LegacyReservations = ImmutableDictionary<long, int>.Empty.Add(olderOrder, 2),
        });

        var read = await product.GetAsync();
        Assert.Equal([new ProductOptionSnapshot(productId, IProductGrain.DefaultOptionName, 1_500, 6)], read.Options);

        var userId = await _grains.NewUserAsync();
        var orderId = await _grains.NextIdAsync(IdSequences.Order);
        var order = await _grains.GetGrain<IOrderGrain>(orderId).CreateAsync(userId, [new(productId, 2)], null);
        Assert.Equal((productId, IProductGrain.DefaultOptionName), (order.Items[0].OptionId, order.Items[0].OptionName));

        var stored = await fixture.Cluster.StoredStateAsync<ProductState>("product", product);
        var option = Assert.Single(stored.Options);
        Assert.Equal((productId, 4, 1L), (option.OptionId, option.Stock, option.Sold));
        Assert.Equal(new Dictionary<long, int> { [olderOrder] = 2, [orderId] = 2 }, option.Reservations);
        Assert.Equal((0, 0L, 0), (stored.LegacyStock, stored.LegacySold, stored.LegacyReservations.Count));

        // The hold taken before the upgrade is released once, into the option.
        await product.ReleaseAsync(olderOrder);
        await product.ReleaseAsync(olderOrder);
        Assert.Equal(6, (await product.GetAsync()).Stock);
    }

    [StorageFact]
    public async Task OneOrderHoldingTwoOptionsOfAProductConfirmsAndReleasesBothThroughOneCall()
    {
        var productId = await _grains.NextIdAsync(IdSequences.Product);
        var second = await _grains.NextIdAsync(IdSequences.Product);
        var product = _grains.GetGrain<IProductGrain>(productId);
        await product.CreateWithOptionsAsync("shirt", [new(productId, "S", 1_000, 5), new(second, "M", 1_200, 2)]);
        var userId = await _grains.NewUserAsync();
        var orderId = await _grains.NextIdAsync(IdSequences.Order);
        var order = _grains.GetGrain<IOrderGrain>(orderId);

        var created = await order.CreateAsync(userId, [new(productId, 2, productId), new(productId, 2, second)], null);

        Assert.Equal(4_400, created.TotalPrice);
        Assert.Equal(DomainErrors.StockInsufficient,
            await OutcomeAsync(() => _grains.GetGrain<IOrderGrain>(orderId + 1_000_000).CreateAsync(userId, [new(productId, 1, second)], null)));
        Assert.Equal(DomainErrors.ProductOptionRequired,
            await OutcomeAsync(() => _grains.GetGrain<IOrderGrain>(orderId + 1_000_001).CreateAsync(userId, [new(productId, 1)], null)));
        await order.CancelAsync(userId);
        Assert.Equal([5, 2], (await product.GetAsync()).Options.Select(o => o.Stock));
    }
}

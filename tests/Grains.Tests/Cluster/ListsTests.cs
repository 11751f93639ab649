using ECommerce.Grains.Abstractions.Commerce;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteListsTests(SqliteClusterFixture fixture) : ListsTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresListsTests(PostgresClusterFixture fixture) : ListsTests(fixture);

/// <summary>The indexes behind the client's lists, told by the order and coupon grains of a 3-silo cluster.</summary>
public abstract class ListsTests(CommerceClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [StorageFact]
    public async Task AUsersIndexHoldsExactlyTheOrdersCreatedInABurstAndNoneThatWasRefused()
    {
        var userId = await _grains.NewUserAsync();
        var product = await _grains.NewProductAsync(price: 100, stock: 51);
        var notIssued = await _grains.NewCouponAsync(discount: 10, quantity: 1);
        var index = _grains.GetGrain<IUserOrdersGrain>(userId);

        var created = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _grains.NewOrderAsync(userId, [new(product, 1)])));
        var refusedId = await _grains.NextIdAsync(IdSequences.Order);
        var refused = await OutcomeAsync(() => _grains.GetGrain<IOrderGrain>(refusedId).CreateAsync(userId, [new(product, 1)], notIssued));
        var outOfStockId = await _grains.NextIdAsync(IdSequences.Order);
        var outOfStock = await OutcomeAsync(() => _grains.GetGrain<IOrderGrain>(outOfStockId).CreateAsync(userId, [new(product, 2)], null));

        var page = await index.GetPageAsync(1, IUserOrdersGrain.MaxPageSize);
        Assert.Equal((DomainErrors.CouponNotUsable, DomainErrors.StockInsufficient), (refused, outOfStock));
        Assert.Equal(50, page.Total);
        Assert.Equal(created.Select(c => c.OrderId).Order(), page.OrderIds.Order());
        Assert.DoesNotContain(refusedId, page.OrderIds);
        Assert.Equal(1, (await _grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
    }

    [StorageFact]
    public async Task ACouponIsListedOnceCreatedAndLeavesTheOpenListWhenItsLastCopyIsIssued()
    {
        var couponId = await _grains.NewCouponAsync(discount: 100, quantity: 2);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);
        Assert.Contains(couponId, await ListedAsync(openOnly: true));

        await coupon.IssueAsync(await _grains.NewUserAsync());
        Assert.Contains(couponId, await ListedAsync(openOnly: true));
        await coupon.IssueAsync(await _grains.NewUserAsync());

        await WaitForAsync(() => ListedAsync(openOnly: true), ids => !ids.Contains(couponId), "the sold-out note");
        Assert.Contains(couponId, await ListedAsync(openOnly: false));
    }

    private async Task<List<long>> ListedAsync(bool openOnly)
    {
        var directory = _grains.GetGrain<ICouponDirectoryGrain>(ICouponDirectoryGrain.Key);
        var ids = new List<long>();
        for (var page = 1; ; page++)
        {
            var found = await directory.SearchAsync(new CouponDirectoryQuery(page, 100, openOnly));
            ids.AddRange(found.Items.Select(c => c.CouponId));
            if ((long)page * found.Size >= found.Total)
            {
                return ids;
            }
        }
    }
}

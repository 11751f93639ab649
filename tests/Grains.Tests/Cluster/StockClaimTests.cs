using ECommerce.Grains.Abstractions.Commerce;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteStockClaimTests(SqliteClusterFixture fixture) : StockClaimTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresStockClaimTests(PostgresClusterFixture fixture) : StockClaimTests(fixture);

/// <summary>An order that passed the stock check claims its units until it holds them, so the last units are not
/// promised twice: the order that comes second is refused before it writes anything.</summary>
public abstract class StockClaimTests(CommerceClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [StorageFact]
    public async Task TheLastUnitClaimedByAnOrderBeingCreatedRefusesTheNextOrderBeforeItStoresAnIntent()
    {
        var productId = await _grains.NewProductAsync(price: 1_000, stock: 1);
        var product = _grains.GetGrain<IProductGrain>(productId);
        var user = await _grains.NewUserAsync(charge: 10_000);
        var first = await _grains.NextIdAsync(IdSequences.Order);
        var second = _grains.GetGrain<IOrderGrain>(await _grains.NextIdAsync(IdSequences.Order));
        OrderItemRequest[] line = [new(productId, 1)];

        // The first order is between its check and its hold.
        Assert.Null((await product.ClaimAsync(first, line)).ShortageFor(line[0]));
        var seen = await product.GetAsync();
        Assert.Equal((1, 1), (seen.Stock, seen.Options.Single().Claimed));
        Assert.Equal(DomainErrors.StockInsufficient, seen.ShortageFor(line[0])?.Code);

        Assert.Equal(DomainErrors.StockInsufficient, await OutcomeAsync(() => second.CreateAsync(user, line, null)));
        var stored = await fixture.Cluster.StoredStateAsync<OrderState>("order", second);
        Assert.False(stored.Exists || stored.IsCreating, "the refused order stored an intent");

        // The first order holds the unit: the claim becomes the hold; releasing it sells it to the next order.
        await product.ReserveAsync(first, 1);
        Assert.Equal((0, 0), ((await product.GetAsync()).Stock, (await product.GetAsync()).Options.Single().Claimed));
        await product.ReleaseAsync(first);
        Assert.Equal(Ok, await OutcomeAsync(() => second.CreateAsync(user, line, null)));
        Assert.Equal(0, (await product.GetAsync()).Stock);
    }

    [StorageFact]
    public async Task AnOrderRefusedAfterItsStockCheckLetsItsClaimsGoAtOnce()
    {
        var productId = await _grains.NewProductAsync(price: 1_000, stock: 1);
        var scarce = await _grains.NewProductAsync(price: 1_000, stock: 1);
        var product = _grains.GetGrain<IProductGrain>(productId);
        var user = await _grains.NewUserAsync(charge: 10_000);
        var nobody = await _grains.NextIdAsync(IdSequences.User);
        var takenElsewhere = await _grains.NextIdAsync(IdSequences.Order);
        await _grains.GetGrain<IProductGrain>(scarce).ReserveAsync(takenElsewhere, 1);

        // Refused by the user lookup, and by another line's shortage: neither leaves its claim on the product.
        Assert.Equal(DomainErrors.UserNotFound, await OutcomeAsync(async () =>
            await _grains.GetGrain<IOrderGrain>(await _grains.NextIdAsync(IdSequences.Order)).CreateAsync(nobody, [new(productId, 1)], null)));
        Assert.Equal(0, (await product.GetAsync()).Options.Single().Claimed);
        Assert.Equal(DomainErrors.StockInsufficient, await OutcomeAsync(async () =>
            await _grains.GetGrain<IOrderGrain>(await _grains.NextIdAsync(IdSequences.Order))
                .CreateAsync(user, [new(productId, 1), new(scarce, 1)], null)));
        Assert.Equal(0, (await product.GetAsync()).Options.Single().Claimed);

        Assert.Equal(Ok, await OutcomeAsync(async () =>
            await _grains.GetGrain<IOrderGrain>(await _grains.NextIdAsync(IdSequences.Order)).CreateAsync(user, [new(productId, 1)], null)));
        Assert.Equal((0, 0), ((await product.GetAsync()).Stock, (await product.GetAsync()).Options.Single().Claimed));
    }
}

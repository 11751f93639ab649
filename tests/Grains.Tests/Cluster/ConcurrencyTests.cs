using ECommerce.Grains.Abstractions.Commerce;
using Orleans.Runtime;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

[Collection(SqliteCluster.Name)]
public sealed class SqliteConcurrencyTests(SqliteClusterFixture fixture) : ConcurrencyTests(fixture);

[Collection(PostgresCluster.Name), RequiresPostgres]
public sealed class PostgresConcurrencyTests(PostgresClusterFixture fixture) : ConcurrencyTests(fixture);

/// <summary>Races between callers whose grains the cluster spread over its silos; every one ends in exact counts.</summary>
public abstract class ConcurrencyTests(CommerceClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [StorageFact]
    public async Task ManyUsersRacingForTheLastCouponsGetExactlyItsQuantity()
    {
        const int users = 200;
        const int quantity = 50;
        var userIds = await Task.WhenAll(Enumerable.Range(0, users).Select(_ => _grains.NewUserAsync()));
        var couponId = await _grains.NewCouponAsync(discount: 1_000, quantity: quantity);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);

        var outcomes = await Task.WhenAll(userIds.Select(u => OutcomeAsync(() => coupon.IssueAsync(u))));

        var winners = userIds.Where((_, i) => outcomes[i] == Ok).ToList();
        Assert.Equal(quantity, winners.Count);
        Assert.Equal(users - quantity, outcomes.Count(o => o == DomainErrors.CouponSoldOut));
        var snapshot = await coupon.GetAsync();
        Assert.Equal((quantity, quantity, 0), (snapshot.TotalQuantity, snapshot.IssuedQuantity, snapshot.Remaining));
        foreach (var userId in userIds)
        {
            var copy = await coupon.GetUserCouponAsync(userId);
            Assert.Equal(winners.Contains(userId) ? UserCouponStatus.Available : null, copy?.Status);
        }

        var stored = await fixture.Cluster.StoredStateAsync<CouponState>("coupon", coupon);
        Assert.Equal(winners.Order(), stored.Issued.Keys.Order());
        Assert.True(await _grains.SilosHostingAsync(userIds.Select(u => (IAddressable)_grains.GetGrain<IUserGrain>(u))) > 1,
            "the racing users all ran on one silo");
    }

    [StorageFact]
    public async Task ConcurrentOrdersOnAScarceProductNeverOversellAndStockHeldAndSoldAddUp()
    {
        const int stock = 5;
        var buyers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _grains.NewUserAsync(charge: 100_000)));
        var scarce = await _grains.NewProductAsync(price: 1_000, stock: stock);
        var plenty = await _grains.NewProductAsync(price: 500, stock: 100);
        var orderIds = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _grains.NextIdAsync(IdSequences.Order)));

        var outcomes = await Task.WhenAll(orderIds.Select((orderId, i) => OutcomeAsync(() =>
            _grains.GetGrain<IOrderGrain>(orderId).CreateAsync(buyers[i % buyers.Length], [new(plenty, 1), new(scarce, 1)], null))));

        var placed = orderIds.Where((_, i) => outcomes[i] == Ok).ToList();
        Assert.Equal(stock, placed.Count);
        Assert.Equal(20 - stock, outcomes.Count(o => o == DomainErrors.StockInsufficient));
        var afterRace = await Stored(scarce);
        Assert.Equal((0, stock, 0L), (afterRace.Stock, afterRace.Reservations.Values.Sum(), afterRace.Sold));
        Assert.Equal(100 - stock, (await _grains.GetGrain<IProductGrain>(plenty).GetAsync()).Stock);
        Assert.True(await _grains.SilosHostingAsync(orderIds.Select(o => (IAddressable)_grains.GetGrain<IOrderGrain>(o))) > 1,
            "the orders all ran on one silo");

        // Two paid, one cancelled, two left to expire: every unit ends up sold or back in stock.
        var orders = placed.Select(id => _grains.GetGrain<IOrderGrain>(id)).ToList();
        var owners = await Task.WhenAll(orders.Select(async o => (await o.GetAsync()).UserId));
        await Task.WhenAll(orders.Take(2).Select((o, i) => o.PayAsync(owners[i])));
        await orders[2].CancelAsync(owners[2]);
        var held = await Stored(scarce);
        Assert.Equal((1, 2, 2L), (held.Stock, held.Reservations.Values.Sum(), held.Sold));
        foreach (var order in orders.Skip(3))
        {
            await WaitForAsync(order.GetAsync, o => o.Status == OrderStatus.Expired, "an unpaid order to expire");
        }

        var final = await Stored(scarce);
        Assert.Equal((stock - 2, 0, 2L), (final.Stock, final.Reservations.Count, final.Sold));
        Assert.Equal(stock - 2, (await _grains.GetGrain<IProductGrain>(scarce).GetAsync()).Stock);
        Assert.Equal(100 - 2, (await _grains.GetGrain<IProductGrain>(plenty).GetAsync()).Stock);
    }

    [StorageFact]
    public async Task OrdersRefusedForStockWhileTheirCouponsWereBeingHeldLeaveEveryCouponCopyUsable()
    {
        // Each order asks for its stock and its coupon at once: a refused one must give back a coupon hold that may
        // still be in flight when the stock says no, and a placed one holds both.
        const int stock = 3;
        const int buyers = 12;
        var users = await Task.WhenAll(Enumerable.Range(0, buyers).Select(_ => _grains.NewUserAsync(charge: 100_000)));
        var scarce = await _grains.NewProductAsync(price: 5_000, stock: stock);
        var couponId = await _grains.NewCouponAsync(discount: 1_000, quantity: buyers);
        var coupon = _grains.GetGrain<ICouponGrain>(couponId);
        await Task.WhenAll(users.Select(u => coupon.IssueAsync(u)));
        var orderIds = await Task.WhenAll(users.Select(_ => _grains.NextIdAsync(IdSequences.Order)));

        var outcomes = await Task.WhenAll(orderIds.Select((orderId, i) => OutcomeAsync(() =>
            _grains.GetGrain<IOrderGrain>(orderId).CreateAsync(users[i], [new(scarce, 1)], couponId))));

        Assert.Equal(stock, outcomes.Count(o => o == Ok));
        Assert.Equal(buyers - stock, outcomes.Count(o => o == DomainErrors.StockInsufficient));
        for (var i = 0; i < buyers; i++)
        {
            var copy = await coupon.GetUserCouponAsync(users[i]);
            Assert.Equal(outcomes[i] == Ok ? UserCouponStatus.Reserved : UserCouponStatus.Available, copy?.Status);
        }

        var stored = await fixture.Cluster.StoredStateAsync<CouponState>("coupon", coupon);
        Assert.Equal(stock, stored.Issued.Values.Count(c => c.Status == UserCouponStatus.Reserved));
        Assert.Equal((0, stock), ((await Stored(scarce)).Stock, (await Stored(scarce)).Reservations.Values.Sum()));
    }

    [StorageFact]
    public async Task PayingOneOrderManyTimesAtOnceDebitsOnce()
    {
        var userId = await _grains.NewUserAsync(charge: 10_000);
        var product = await _grains.NewProductAsync(price: 3_000, stock: 10);
        var (orderId, _) = await _grains.NewOrderAsync(userId, [new(product, 1)]);
        var order = _grains.GetGrain<IOrderGrain>(orderId);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => OutcomeAsync(() => order.PayAsync(userId))));

        Assert.Equal(1, outcomes.Count(o => o == Ok));
        Assert.Equal(9, outcomes.Count(o => o == DomainErrors.OrderNotPayable));
        Assert.Equal(7_000, (await _grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()).Balance);
        Assert.Single(await _grains.GetGrain<IUserGrain>(userId).GetHistoryAsync(), h => h.Type == BalanceTransactionType.Use);
        var stored = await fixture.Cluster.StoredStateAsync<OrderState>("order", order);
        Assert.Equal((OrderStatus.Paid, 1), (stored.Status, stored.Payments.Count));
        Assert.Equal(1, (await Stored(product)).Sold);
    }

    [StorageFact]
    public async Task ConcurrentChargesAndPaymentsOnOneWalletLeaveExactlyStartPlusChargesMinusPayments()
    {
        var userId = await _grains.NewUserAsync(charge: 5_000);
        var wallet = _grains.GetGrain<IUserGrain>(userId);
        var product = await _grains.NewProductAsync(price: 1_500, stock: 20);
        var orders = new List<IOrderGrain>();
        for (var i = 0; i < 12; i++)
        {
            orders.Add(_grains.GetGrain<IOrderGrain>((await _grains.NewOrderAsync(userId, [new(product, 1)])).OrderId));
        }

        // The payments come from order grains on every silo, the charges from the client.
        var charges = Enumerable.Range(0, 10).Select(i => OutcomeAsync(() => wallet.ChargeAsync(1_000, $"charge-{userId}-{i}")));
        var payments = orders.Select(o => OutcomeAsync(() => o.PayAsync(userId)));
        var outcomes = await Task.WhenAll(charges.Concat(payments));
        var paid = outcomes.Skip(10).Count(o => o == Ok);
        var balance = (await wallet.GetBalanceAsync()).Balance;
        var history = (await wallet.GetHistoryAsync()).Reverse().ToList();

        Assert.All(outcomes.Take(10), o => Assert.Equal(Ok, o));
        Assert.All(outcomes.Skip(10), o => Assert.Contains(o, new[] { Ok, DomainErrors.BalanceInsufficient }));
        Assert.InRange(paid, 3, 10);
        Assert.Equal(5_000 + 10_000 - (paid * 1_500), balance);
        Assert.Equal(11, history.Count(h => h.Type == BalanceTransactionType.Charge));
        Assert.Equal(paid, history.Where(h => h.Type == BalanceTransactionType.Use).Select(h => h.OrderId).Distinct().Count());
        var running = 0L;
        foreach (var entry in history)
        {
            running += entry.Type == BalanceTransactionType.Use ? -entry.Amount : entry.Amount;
            Assert.Equal(running, entry.BalanceAfter);
        }

        Assert.Equal(balance, running);
        Assert.Equal(paid, (await Stored(product)).Sold);
        Assert.Equal(paid, (await Task.WhenAll(orders.Select(o => o.GetAsync()))).Count(o => o.Status == OrderStatus.Paid));
    }

    private Task<ProductState> Stored(long productId) =>
        fixture.Cluster.StoredStateAsync<ProductState>("product", _grains.GetGrain<IProductGrain>(productId));
}

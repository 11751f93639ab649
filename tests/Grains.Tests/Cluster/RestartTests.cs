using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Silo.Storage;
using Orleans.TestingHost;
using static ECommerce.Grains.Tests.Cluster.CommerceSteps;

namespace ECommerce.Grains.Tests.Cluster;

public sealed class SqliteRestartTests() : RestartTests(StorageProvider.Sqlite);

[RequiresPostgres]
public sealed class PostgresRestartTests() : RestartTests(StorageProvider.Postgres);

/// <summary>A whole cluster stopped and a new one started on the same database (and service id): what the first
/// stored, the second reads, and reminders the first registered fire on the second. Each test has its own database.</summary>
public abstract class RestartTests(StorageProvider provider)
{
    // Long enough for one cluster to stop and the next to start before an order created on the first is due, also while
    // the API suites' MySQL and three-process cluster tests load the machine (8 s was exceeded twice then).
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(15);

    [StorageFact]
    public async Task StateWrittenByOneClusterIsReadByTheNextOnTheSameDatabase()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var settings = database.Settings(PaymentTimeout);
        var serviceId = CommerceCluster.NewServiceId();
        var emails = Enumerable.Range(0, 12).Select(_ => $"{Guid.NewGuid():N}@example.com").ToList();
        var users = new List<long>();
        long couponId, buyer, product, paidOrderId, lastOrderId;
        string[] outcomes;
        OrderSnapshot paidOrder;
        var idempotencyKey = "orders:" + Guid.NewGuid().ToString("N");
        var answer = new IdempotentResponse(201, """{"orderId":1}""");

        var first = await CommerceCluster.StartAsync(settings, serviceId);
        try
        {
            var grains = first.GrainFactory;
            foreach (var email in emails)
            {
                var userId = await grains.NextIdAsync(IdSequences.User);
                await grains.GetGrain<IUserGrain>(userId).RegisterAsync("user" + userId, email);
                users.Add(userId);
            }

            couponId = await grains.NewCouponAsync(discount: 1_000, quantity: 5);
            var coupon = grains.GetGrain<ICouponGrain>(couponId);
            outcomes = await Task.WhenAll(users.Select(u => OutcomeAsync(() => coupon.IssueAsync(u))));

            buyer = await grains.NewUserAsync(charge: 20_000);
            product = await grains.NewProductAsync(price: 4_000, stock: 10);
            await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).AddAsync(CatalogItem.From(await grains.GetGrain<IProductGrain>(product).GetAsync()));
            (paidOrderId, _) = await grains.NewOrderAsync(buyer, [new(product, 2)]);
            await grains.GetGrain<IOrderGrain>(paidOrderId).PayAsync(buyer);
            paidOrder = await grains.GetGrain<IOrderGrain>(paidOrderId).GetAsync();
            lastOrderId = await grains.NextIdAsync(IdSequences.Order);

            var idempotency = grains.GetGrain<IIdempotencyGrain>(idempotencyKey);
            await idempotency.BeginAsync("hash-1", IdSequences.Order);
            await idempotency.CompleteAsync("hash-1", answer);
            await WaitForAsync(() => grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key).GetTopAsync(1, IProductRankingGrain.MaxLimit),
                top => top.Any(p => p.ProductId == product), "the paid order in the ranking");
        }
        finally
        {
            await CommerceCluster.StopAsync(first);
        }

        var second = await CommerceCluster.StartAsync(settings, serviceId);
        try
        {
            var grains = second.GrainFactory;
            var coupon = grains.GetGrain<ICouponGrain>(couponId);
            var winners = users.Where((_, i) => outcomes[i] == Ok).ToList();
            var losers = users.Except(winners).ToList();
            var snapshot = await coupon.GetAsync();

            Assert.Equal(5, winners.Count);
            Assert.Equal((5, 0), (snapshot.IssuedQuantity, snapshot.Remaining));
            foreach (var winner in winners)
            {
                Assert.Equal(UserCouponStatus.Available, (await coupon.GetUserCouponAsync(winner))!.Status);
                Assert.Contains(couponId, await grains.GetGrain<IUserGrain>(winner).GetCouponIdsAsync());
            }

            foreach (var loser in losers)
            {
                Assert.Null(await coupon.GetUserCouponAsync(loser));
            }

            Assert.Equal(DomainErrors.CouponSoldOut, await OutcomeAsync(() => coupon.IssueAsync(losers[0])));
            Assert.Equal(DomainErrors.CouponAlreadyIssued, await OutcomeAsync(() => coupon.IssueAsync(winners[0])));

            Assert.Equal(12_000, (await grains.GetGrain<IUserGrain>(buyer).GetBalanceAsync()).Balance);
            Assert.Equal(
                [(BalanceTransactionType.Use, 8_000L, 12_000L), (BalanceTransactionType.Charge, 20_000L, 20_000L)],
                (await grains.GetGrain<IUserGrain>(buyer).GetHistoryAsync()).Select(h => (h.Type, h.Amount, h.BalanceAfter)));
            var reread = await grains.GetGrain<IOrderGrain>(paidOrderId).GetAsync();
            Assert.Equal((paidOrder.Status, paidOrder.PayAmount, paidOrder.PaidAt, paidOrder.Items.Count),
                (reread.Status, reread.PayAmount, reread.PaidAt, reread.Items.Count));
            Assert.Equal(8, (await grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
            Assert.Equal(2, (await second.StoredStateAsync<ProductState>("product", grains.GetGrain<IProductGrain>(product))).Sold);
            Assert.True(await grains.NextIdAsync(IdSequences.Order) > lastOrderId, "an order id was handed out twice");

            var newcomer = await grains.NextIdAsync(IdSequences.User);
            Assert.Equal(DomainErrors.EmailTaken,
                await OutcomeAsync(() => grains.GetGrain<IUserGrain>(newcomer).RegisterAsync("Lee", emails[0])));
            Assert.Equal(users[0], await grains.GetGrain<IEmailGrain>(IEmailGrain.Normalize(emails[0])).GetOwnerAsync());

            var ticket = await grains.GetGrain<IIdempotencyGrain>(idempotencyKey).BeginAsync("hash-1", IdSequences.Order);
            Assert.Equal((IdempotencyOutcome.Completed, answer), (ticket.Outcome, ticket.Response));

            var page = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).SearchAsync(new CatalogQuery(Query: "product" + product));
            Assert.Contains(page.Items, i => i.ProductId == product);
            var top = await grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key).GetTopAsync(1, IProductRankingGrain.MaxLimit);
            Assert.Equal(2, top.Single(p => p.ProductId == product).SalesCount);
        }
        finally
        {
            await CommerceCluster.StopAsync(second);
        }
    }

    [StorageFact]
    public async Task AnOrderLeftUnpaidExpiresThroughItsReminderOnTheNextCluster()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var settings = database.Settings(PaymentTimeout);
        var serviceId = CommerceCluster.NewServiceId();
        long userId, product, couponId, orderId;

        var first = await CommerceCluster.StartAsync(settings, serviceId);
        try
        {
            var grains = first.GrainFactory;
            userId = await grains.NewUserAsync(charge: 10_000);
            product = await grains.NewProductAsync(price: 1_000, stock: 4);
            couponId = await grains.NewCouponAsync(discount: 500, quantity: 1);
            await grains.GetGrain<ICouponGrain>(couponId).IssueAsync(userId);
            (orderId, _) = await grains.NewOrderAsync(userId, [new(product, 3)], couponId);
        }
        finally
        {
            await CommerceCluster.StopAsync(first);
        }

        var second = await CommerceCluster.StartAsync(settings, serviceId);
        try
        {
            var grains = second.GrainFactory;
            var order = grains.GetGrain<IOrderGrain>(orderId);
            var before = await order.GetAsync();
            var heldStock = (await grains.GetGrain<IProductGrain>(product).GetAsync()).Stock;
            // Otherwise the tick was due while no cluster ran and comes a whole reminder period later.
            Assert.True(DateTimeOffset.UtcNow < before.ExpiresAt,
                $"The restart took longer than the {PaymentTimeout.TotalSeconds} s payment timeout; raise it.");

            var expired = await WaitForAsync(order.GetAsync, o => o.Status != OrderStatus.PendingPayment, "the order to expire");

            Assert.Equal((OrderStatus.PendingPayment, 1), (before.Status, heldStock));
            Assert.Equal(OrderStatus.Expired, expired.Status);
            Assert.Equal(4, (await grains.GetGrain<IProductGrain>(product).GetAsync()).Stock);
            Assert.Equal(UserCouponStatus.Available,
                (await grains.GetGrain<ICouponGrain>(couponId).GetUserCouponAsync(userId))!.Status);
            Assert.Equal(10_000, (await grains.GetGrain<IUserGrain>(userId).GetBalanceAsync()).Balance);
        }
        finally
        {
            await CommerceCluster.StopAsync(second);
        }
    }
}
